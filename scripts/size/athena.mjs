// size-limit entry: the minimal import of @dbp/aws-athena and one call (see .size-limit.cjs).
import { getAthenaClient } from '@dbp/aws-athena';

getAthenaClient({ region: 'us-east-1' });
