/**
 * Side-effect entry: `import '@dbp/aws-sts/register'` makes
 * `getClient('sts')` work on every factory.
 *
 * @packageDocumentation
 */

import { registerService } from '@dbp/aws-core';
import { sts } from '@dbp/aws-sts';

registerService(sts);
