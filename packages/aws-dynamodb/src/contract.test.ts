import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runServiceContract } from '@dbp/aws-contract';
import * as entry from './index.js';

// id, tier and Node handler: this package's entry in internal/services/services.json.
runServiceContract({ entry, Client: DynamoDBClient, register: () => import('./register.js') });
