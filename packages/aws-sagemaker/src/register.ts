/**
 * Side-effect entry: `import '@dbp/aws-sagemaker/register'` makes
 * `getClient('sagemaker')` work on every factory.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import './registry.js';
import { sagemaker } from '@dbp/aws-sagemaker';

registerService(sagemaker);
