/**
 * Side-effect entry: `import '@dbp/aws-sts/register'` makes
 * `getClient('sts')` work on every factory.
 *
 * @packageDocumentation
 */

import { registerService } from '@dbp/aws-core';
import './registry.js';
import { sts } from '@dbp/aws-sts';

registerService(sts);
