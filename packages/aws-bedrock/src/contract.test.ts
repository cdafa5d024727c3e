import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { runServiceContract } from '@dbp/aws-contract';
import { bedrockRuntime, getBedrockRuntimeClient } from './index.js';

runServiceContract({
  definition: bedrockRuntime,
  Client: BedrockRuntimeClient,
  id: 'bedrock-runtime',
  tier: 'ai',
  getClient: getBedrockRuntimeClient,
  register: () => import('./register.js'),
  nodeHandler: 'http2',
});
