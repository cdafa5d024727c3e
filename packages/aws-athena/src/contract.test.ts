import { AthenaClient } from '@aws-sdk/client-athena';
import { runServiceContract } from '@dbp/aws-contract';
import * as entry from './index.js';

// id, tier and Node handler: this package's entry in internal/services/services.json.
runServiceContract({ entry, Client: AthenaClient, register: () => import('./register.js') });
