import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { runServiceContract } from '@dbp/aws-contract';
import { getSageMakerClient, sagemaker } from './index.js';

runServiceContract({
  definition: sagemaker,
  Client: SageMakerClient,
  id: 'sagemaker',
  tier: 'ai',
  getClient: getSageMakerClient,
  register: () => import('./register.js'),
  nodeHandler: 'http1',
});
