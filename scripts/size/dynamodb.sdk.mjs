// size-limit baseline: the bare SDK client, to measure what @dbp/aws-dynamodb adds (see .size-limit.cjs).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

new DynamoDBClient({ region: 'us-east-1' });
