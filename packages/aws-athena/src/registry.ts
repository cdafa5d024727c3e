/**
 * The string id `@dbp/aws-athena` adds to `getClient`: its `ServiceRegistry`
 * augmentation, declared once, here. The build makes this file a
 * declaration-only entry (`dist/registry.d.ts`) that only the `register`
 * declarations import (types follow the runtime: the id works once
 * `register` has run, and the main entry alone does not register it), so `import '@dbp/aws-athena/register'`
 * alone types `getClient('athena')` as the SDK client.
 *
 * @packageDocumentation
 */
import type { athena } from '@dbp/aws-athena';

declare module '@dbp/aws-core' {
  interface ServiceRegistry {
    /** Amazon Athena, from `@dbp/aws-athena`. */
    athena: typeof athena;
  }
}
