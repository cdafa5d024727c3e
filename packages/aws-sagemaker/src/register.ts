/**
 * Side-effect entry: `import '@dbp/aws-sagemaker/register'` makes
 * `getClient('sagemaker')` work on every factory.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import { sagemaker } from './index.js';

registerService(sagemaker);
