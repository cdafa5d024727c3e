import { S3Client } from '@aws-sdk/client-s3';
import { runServiceContract } from '@dbp/aws-contract';
import { getS3Client, s3 } from './index.js';

runServiceContract({
  definition: s3,
  Client: S3Client,
  id: 's3',
  tier: 'standard',
  getClient: getS3Client,
  register: () => import('./register.js'),
  nodeHandler: 'http1',
});
