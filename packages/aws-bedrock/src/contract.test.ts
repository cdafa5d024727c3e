import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { runServiceContract } from '@dbp/aws-contract';
import * as entry from './index.js';

// id, tier and Node handler: this package's entry in internal/services/services.json.
runServiceContract({ entry, Client: BedrockRuntimeClient, register: () => import('./register.js') });
