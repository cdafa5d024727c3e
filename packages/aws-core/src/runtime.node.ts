import { createHmac } from 'node:crypto';
import { homedir } from 'node:os';
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

/** The Node build: node:crypto HMAC, the SDK's Node credential chain, HTTP/1.1 handler timeouts. */
export const runtime: RuntimeAdapter = {
  flavor: 'node',
  hmacSha256Hex(key, data) {
    return createHmac('sha256', key).update(data).digest('hex');
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
    const home = homedir();
    const config = nonEmpty(process.env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
    const credentials = nonEmpty(process.env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
    return `${config} and ${credentials}`;
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
