/**
 * Side-effect entry: `import '@dbp/aws-bedrock/register'` makes
 * `getClient('bedrock-runtime')` work on every factory.
 *
 * @packageDocumentation
 */
import { registerService } from '@dbp/aws-core';
import { bedrockRuntime } from './index.js';

registerService(bedrockRuntime);
