/**
 * The string id `@dbp/aws-bedrock` adds to `getClient`: its `ServiceRegistry`
 * augmentation, declared once, here. The build makes this file a
 * declaration-only entry (`dist/registry.d.ts`) that only the `register`
 * declarations import (types follow the runtime: the id works once
 * `register` has run, and the main entry alone does not register it), so `import '@dbp/aws-bedrock/register'`
 * alone types `getClient('bedrock-runtime')` as the SDK client.
 *
 * @packageDocumentation
 */
import type { bedrockRuntime } from '@dbp/aws-bedrock';

declare module '@dbp/aws-core' {
  interface ServiceRegistry {
    /** Amazon Bedrock Runtime, from `@dbp/aws-bedrock`. */
    'bedrock-runtime': typeof bedrockRuntime;
  }
}
