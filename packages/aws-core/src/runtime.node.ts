import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RuntimeAdapter } from './runtime.types.js';
import type { AwsCredentialProvider } from './types.js';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

interface NodeStreamLike {
  readonly readableEnded?: boolean;
  readonly destroyed?: boolean;
  once(event: string, listener: () => void): unknown;
  pipe(...args: unknown[]): unknown;
}

type Partition = (region: string) => { description?: string };
let partition: Partition | undefined;
let nodeCrypto: typeof import('node:crypto') | undefined;

// Neither a bare `require` (bundlers rewrite it into a shim that throws in
// ESM) nor `__filename` (eval'd code defines a global one): import.meta, which
// tsup's shims map to the module's own file in the CJS build.
const load = createRequire(import.meta.url);

/**
 * `@aws-sdk/util-endpoints`, required on the first region check rather than
 * imported: it is CommonJS, and a static ESM → CJS edge in the core's graph
 * cost ~15% of `import('@dbp/aws-s3')` in the bench (util-endpoints itself
 * loads in under a millisecond; the loader's work for the edge is the cost).
 */
function loadPartition(): Partition {
  if (partition === undefined) partition = (load('@aws-sdk/util-endpoints') as { partition: Partition }).partition;
  return partition;
}

/** The Node build: node:crypto HMAC, the SDK's Node credential chain, HTTP/1.1 handler timeouts. */
export const runtime: RuntimeAdapter = {
  flavor: 'node',
  hmacSha256Hex(key, data) {
    // node:crypto on first use: an app whose SDK client never loads it should
    // not pay for it at import (measured in the bench's import-cost part).
    nodeCrypto ??= load('node:crypto') as typeof import('node:crypto');
    return nodeCrypto.createHmac('sha256', key).update(data).digest('hex');
  },
  environmentRegion() {
    return nonEmpty(process.env.AWS_REGION) ?? nonEmpty(process.env.AWS_DEFAULT_REGION);
  },
  defaultCredentials(profile) {
    // Loaded on first use, not at import: the providers (and what they pull
    // in) cost start-up time that an app with explicit credentials never needs.
    let provider: Promise<AwsCredentialProvider> | undefined;
    return async () => {
      provider ??=
        profile !== undefined
          ? // An explicit profile goes straight to the shared files (fromIni
            // handles static, assume-role, SSO, credential_process and
            // web-identity profiles). The whole chain would end at the instance
            // metadata service and hide "no such profile" behind a time-out.
            import('@aws-sdk/credential-provider-ini').then(({ fromIni }) => fromIni({ profile }) as AwsCredentialProvider)
          : import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider() as AwsCredentialProvider);
      return (await provider)();
    };
  },
  profileSources() {
    const home = (load('node:os') as typeof import('node:os')).homedir();
    const config = nonEmpty(process.env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
    const credentials = nonEmpty(process.env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
    return `${config} and ${credentials}`;
  },
  isListedRegion(region) {
    const lookup = loadPartition();
    try {
      return lookup(region).description !== undefined;
    } catch {
      return false;
    }
  },
  handlerOptions(tier) {
    // @smithy/node-http-handler >= 4.4: `socketTimeout` is the idle limit
    // (botocore's read timeout) and throws; `requestTimeout` would cap the
    // whole request and only log. https://github.com/smithy-lang/smithy-typescript/pull/1620
    return { connectionTimeout: tier.connectTimeoutMs, socketTimeout: tier.readTimeoutMs };
  },
  trackStream(value, done) {
    if (typeof value !== 'object' || value === null) return false;
    const stream = value as NodeStreamLike;
    if (typeof stream.once !== 'function' || typeof stream.pipe !== 'function') return false;
    if (stream.readableEnded === true || stream.destroyed === true) return false;
    let called = false;
    const finish = (): void => {
      if (called) return;
      called = true;
      done();
    };
    stream.once('close', finish);
    stream.once('end', finish);
    stream.once('error', finish);
    return true;
  },
};
