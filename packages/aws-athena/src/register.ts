/**
 * Side-effect entry: `import '@dbp/aws-athena/register'` makes
 * `getClient('athena')` work on every factory.
 *
 * @packageDocumentation
 */

import { athena } from '@dbp/aws-athena';
import { registerService } from '@dbp/aws-core';
import './registry.js';

registerService(athena);
