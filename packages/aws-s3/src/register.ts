/**
 * Side-effect entry: `import '@dbp/aws-s3/register'` makes
 * `getClient('s3')` work on every factory.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import './registry.js';
import { s3 } from '@dbp/aws-s3';

registerService(s3);
