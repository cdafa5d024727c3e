/**
 * Side-effect entry: `import '@dbp/aws-dynamodb/register'` makes
 * `getClient('dynamodb')` work on every factory.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import './registry.js';
import { dynamodb } from '@dbp/aws-dynamodb';

registerService(dynamodb);
