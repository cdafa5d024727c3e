/**
 * The string id `@dbp/aws-sts` adds to `getClient`: its `ServiceRegistry`
 * augmentation, declared once, here. The build makes this file a
 * declaration-only entry (`dist/registry.d.ts`) that only the `register`
 * declarations import (types follow the runtime: the id works once
 * `register` has run, and the main entry alone does not register it), so `import '@dbp/aws-sts/register'`
 * alone types `getClient('sts')` as the SDK client.
 *
 * @packageDocumentation
 */
import type { sts } from '@dbp/aws-sts';

declare module '@dbp/aws-core' {
  interface ServiceRegistry {
    /** AWS STS, from `@dbp/aws-sts`. */
    sts: typeof sts;
  }
}
