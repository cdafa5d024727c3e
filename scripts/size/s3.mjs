// size-limit entry: the minimal import of @dbp/aws-s3 and one call (see .size-limit.cjs).
import { getS3Client } from '@dbp/aws-s3';

getS3Client({ region: 'us-east-1' });
