import { STSClient } from '@aws-sdk/client-sts';
import { runServiceContract } from '@dbp/aws-contract';
import * as entry from './index.js';

// id, tier and Node handler: this package's entry in internal/services/services.json.
runServiceContract({ entry, Client: STSClient, register: () => import('./register.js') });
