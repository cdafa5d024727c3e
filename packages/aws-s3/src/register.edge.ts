/**
 * Side-effect entry for workers and edge runtimes (`workerd`, `worker`,
 * `edge-light` conditions): `import '@dbp/aws-s3/register'` makes
 * `getClient('s3')` work on every factory, with the edge definition that
 * makes sure an XML parser exists.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import './registry.js';
import { s3 } from '@dbp/aws-s3';

registerService(s3);
