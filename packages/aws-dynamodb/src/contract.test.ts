import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runServiceContract } from '@dbp/aws-contract';
import { dynamodb, getDynamoDBClient } from './index.js';

runServiceContract({
  definition: dynamodb,
  Client: DynamoDBClient,
  id: 'dynamodb',
  tier: 'standard',
  getClient: getDynamoDBClient,
  register: () => import('./register.js'),
  nodeHandler: 'http1',
});
