// size-limit baseline: the bare SDK client, to measure what @dbp/aws-s3 adds (see .size-limit.cjs).
import { S3Client } from '@aws-sdk/client-s3';

new S3Client({ region: 'us-east-1' });
