/**
 * The string id `@dbp/aws-s3` adds to `getClient`: its `ServiceRegistry`
 * augmentation, declared once, here. The build makes this file a
 * declaration-only entry (`dist/registry.d.ts`) that only the `register`
 * declarations import (types follow the runtime: the id works once
 * `register` has run, and the main entry alone does not register it), so `import '@dbp/aws-s3/register'`
 * alone types `getClient('s3')` as the SDK client.
 *
 * @packageDocumentation
 */
import type { s3 } from '@dbp/aws-s3';

declare module '@dbp/aws-core' {
  interface ServiceRegistry {
    /** Amazon S3, from `@dbp/aws-s3`. */
    s3: typeof s3;
  }
}
