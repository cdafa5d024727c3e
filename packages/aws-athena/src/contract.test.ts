import { AthenaClient } from '@aws-sdk/client-athena';
import { runServiceContract } from '@dbp/aws-contract';
import { athena, getAthenaClient } from './index.js';

runServiceContract({
  definition: athena,
  Client: AthenaClient,
  id: 'athena',
  tier: 'data',
  getClient: getAthenaClient,
  register: () => import('./register.js'),
  nodeHandler: 'http1',
});
