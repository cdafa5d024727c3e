import { S3Client } from '@aws-sdk/client-s3';
import { runServiceContract } from '@dbp/aws-contract';
import * as entry from './index.js';

// id, tier and Node handler: this package's entry in internal/services/services.json.
runServiceContract({ entry, Client: S3Client, register: () => import('./register.js') });
