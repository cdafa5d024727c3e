/**
 * Side-effect entry: `import '@dbp/aws-athena/register'` makes
 * `getClient('athena')` work on every factory.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import { athena } from './index.js';

registerService(athena);
