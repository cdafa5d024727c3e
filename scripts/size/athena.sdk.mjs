// size-limit baseline: the bare SDK client, to measure what @dbp/aws-athena adds (see .size-limit.cjs).
import { AthenaClient } from '@aws-sdk/client-athena';

new AthenaClient({ region: 'us-east-1' });
