// size-limit entry: the minimal import of @dbp/aws-dynamodb and one call (see .size-limit.cjs).
import { getDynamoDBClient } from '@dbp/aws-dynamodb';

getDynamoDBClient({ region: 'us-east-1' });
