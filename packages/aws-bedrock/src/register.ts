/**
 * Side-effect entry: `import '@dbp/aws-bedrock/register'` makes
 * `getClient('bedrock-runtime')` work on every factory.
 *
 * @packageDocumentation
 */

import { bedrockRuntime } from '@dbp/aws-bedrock';
import { registerService } from '@dbp/aws-core';
import './registry.js';

registerService(bedrockRuntime);
