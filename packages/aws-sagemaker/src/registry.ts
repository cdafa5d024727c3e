/**
 * The string id `@dbp/aws-sagemaker` adds to `getClient`: its `ServiceRegistry`
 * augmentation, declared once, here. The build makes this file a
 * declaration-only entry (`dist/registry.d.ts`) that only the `register`
 * declarations import (types follow the runtime: the id works once
 * `register` has run, and the main entry alone does not register it), so `import '@dbp/aws-sagemaker/register'`
 * alone types `getClient('sagemaker')` as the SDK client.
 *
 * @packageDocumentation
 */
import type { sagemaker } from '@dbp/aws-sagemaker';

declare module '@dbp/aws-core' {
  interface ServiceRegistry {
    /** Amazon SageMaker, from `@dbp/aws-sagemaker`. */
    sagemaker: typeof sagemaker;
  }
}
