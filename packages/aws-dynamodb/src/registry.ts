/**
 * The string id `@dbp/aws-dynamodb` adds to `getClient`: its `ServiceRegistry`
 * augmentation, declared once, here. The build makes this file a
 * declaration-only entry (`dist/registry.d.ts`) that only the `register`
 * declarations import (types follow the runtime: the id works once
 * `register` has run, and the main entry alone does not register it), so `import '@dbp/aws-dynamodb/register'`
 * alone types `getClient('dynamodb')` as the SDK client.
 *
 * @packageDocumentation
 */
import type { dynamodb } from '@dbp/aws-dynamodb';

declare module '@dbp/aws-core' {
  interface ServiceRegistry {
    /** Amazon DynamoDB, from `@dbp/aws-dynamodb`. */
    dynamodb: typeof dynamodb;
  }
}
