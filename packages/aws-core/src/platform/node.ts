/**
 * The Node platform (also Bun and Deno, which load the Node build): the SDK's
 * Node credential chain and region lookup (loaded on first use), profiles
 * from the shared files, the HTTP/1.1 handler's timeouts, \`node:crypto\` for credential ids,
 * and the SDK's region data required from CommonJS.
 *
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadDefaultProvider, loadFromIni, partition, regionConfig } from '#sdkCore';
import { AwsClientError, fail } from '../kernel/errors.js';
import type { Platform } from '../kernel/setup.js';
import { errorName } from '../kernel/text.js';
import type { AwsCredentialProvider, AwsCredentials } from '../kernel/types.js';

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Where profiles are looked up, for error messages. */
function profileSources(): string {
  const home = homedir();
  const config = nonEmpty(process.env.AWS_CONFIG_FILE) ?? join(home, '.aws', 'config');
  const credentials = nonEmpty(process.env.AWS_SHARED_CREDENTIALS_FILE) ?? join(home, '.aws', 'credentials');
  return `${config} and ${credentials}`;
}

/**
 * What the SDK's shared-file providers say when a profile cannot be loaded,
 * as a typed error that says what to do: for a named profile, always one
 * that names it (a failing credential_process, a missing web identity token
 * file: `CREDENTIAL_PROVIDER_FAILED`, the SDK's error as its cause); for the
 * default chain, an SSO session to sign in to again, or the profile
 * `AWS_PROFILE` names (`undefined` otherwise: the kernel's
 * `CREDENTIAL_PROVIDER_FAILED`). Matched on the
 * SDK's own texts, which quote no secret:
 * - fromIni: "Could not resolve credentials using profile: [name] …" (no such
 *   profile, or one with nothing to resolve); fromSSO: "Profile name was not found.";
 * - fromSSO: "… run 'aws sso login' …" (an SSO session that has expired, is
 *   invalid or cannot be refreshed: the commonest credential failure on a
 *   developer's machine). Its text names "this profile", which must not read as a missing one.
 */
function profileError(error: unknown, profile: string | undefined): AwsClientError | undefined {
  // Ours as they are (none reaches here today; the kernel passes them through).
  if (error instanceof AwsClientError) return undefined;
  const message = error instanceof Error ? error.message : '';
  // Before the SSO text: a profile's own name may contain anything, "aws sso login" included.
  const missing = /using profile: \[(.*)\] in configuration/is.exec(message);
  if (profile !== undefined && (missing !== null || /^profile \S+ was not found/i.test(message))) {
    // The profile the SDK could not load: a role profile's `source_profile` may be the one missing.
    const named = missing?.[1] ?? profile;
    return fail(
      'PROFILE_NOT_FOUND',
      { profile: named, of: named === profile ? undefined : profile, sources: profileSources() },
      { cause: error, withholdCauseText: true },
    );
  }
  if (/\baws sso login\b/i.test(message)) return fail('CREDENTIAL_PROVIDER_FAILED.sso', { profile }, { cause: error, withholdCauseText: true });
  // Any other failure of a named profile (a failing credential_process, a
  // role whose source fails, a missing token file): the profile named, its
  // own text withheld (a credential_process may print a secret).
  if (profile !== undefined) {
    return fail(
      'CREDENTIAL_PROVIDER_FAILED.profile',
      { profile, reason: errorName(error), sources: profileSources() },
      { cause: error, withholdCauseText: true },
    );
  }
  // The default chain reads the profile AWS_PROFILE names (and then ignores
  // AWS_ACCESS_KEY_ID): a typo'd or stale one is the commonest reason it
  // finds nothing, and its own error ("from any providers") does not say so.
  const fromEnvironment = nonEmpty(process.env.AWS_PROFILE);
  if (fromEnvironment !== undefined) {
    return fail(
      'CREDENTIAL_PROVIDER_FAILED.environmentProfile',
      { profile: fromEnvironment, reason: errorName(error), sources: profileSources() },
      { cause: error, withholdCauseText: true },
    );
  }
  return undefined;
}

/** The Node platform. */
export const nodePlatform: Platform = {
  flavor: 'node',
  randomBytes(size) {
    // node:crypto, not globalThis.crypto: the first getRandomValues loads
    // Node's whole WebCrypto module (~0.6 ms of a Lambda cold start).
    return randomFillSync(new Uint8Array(size));
  },
  environment() {
    return process.env;
  },
  defaultCredentials(profile) {
    // Loaded on first use, not at import: the providers (and what they pull
    // in) cost start-up time that an app with explicit credentials never
    // needs (`#sdkCore`: required on Node, a literal import() for bundlers).
    let provider: Promise<AwsCredentialProvider> | undefined;
    // `ignoreCache`: read the shared files again, not the SDK's copy, which it keeps for the process.
    const make = (ignoreCache: boolean): Promise<AwsCredentialProvider> =>
      profile !== undefined
        ? // An explicit profile goes straight to the shared files (fromIni
          // handles static, assume-role, SSO, credential_process and
          // web-identity profiles). The whole chain would end at the instance
          // metadata service and hide "no such profile" behind a time-out.
          loadFromIni().then((fromIni) => fromIni({ profile, ignoreCache }) as AwsCredentialProvider)
        : loadDefaultProvider().then((defaultProvider) => defaultProvider({ ignoreCache }) as AwsCredentialProvider);
    /** Whether `provider` reads the files afresh. */
    let fresh = false;
    const renew = (): void => {
      provider = make(true);
      fresh = true;
    };
    // Options pass through: `{ forceRefresh: true }` when a service rejected the cached credentials.
    return async (options?: { forceRefresh?: boolean }) => {
      // A rejection's refresh makes a provider that reads the files afresh (a
      // tool such as `aws sso login` or saml2aws may have rewritten them with a
      // new session), and keeps it for the refreshes after.
      if (options?.forceRefresh === true) renew();
      provider ??= make(false);
      const call = async (): Promise<AwsCredentials> => ((await provider) as (options?: object) => Promise<AwsCredentials>)(options);
      try {
        return await call();
      } catch (error) {
        const refused = profileError(error, profile);
        // So does the call after a failure: the files may have been fixed meanwhile (a profile added, `aws sso login` run).
        const stale = !fresh;
        renew();
        // A profile missing from the SDK's copy of the files may have been added since it read them: looked up once more, afresh.
        if (stale && refused?.code === 'PROFILE_NOT_FOUND') {
          try {
            return await call();
          } catch (again) {
            throw profileError(again, profile) ?? again;
          }
        }
        throw refused ?? error;
      }
    };
  },
  sdkRegion(profile, check) {
    // What the SDK client does itself with no region (its runtimeConfig's
    // loadConfig(NODE_REGION_CONFIG_OPTIONS, …)), loaded on first use like the
    // credential chain. Finding none is an AwsRegionError that says what to
    // set (the SDK's error as its cause), not the SDK's bare "Region is
    // missing"; a region it finds is checked as any other (a misspelt
    // `region =` in the config file gets the same error and suggestion as
    // the same value in AWS_REGION).
    let lookup: (() => Promise<string>) | undefined;
    return async () => {
      let region: unknown;
      try {
        if (lookup === undefined) {
          const { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } = regionConfig();
          lookup = loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, profile }) as () => Promise<string>;
        }
        region = await lookup();
      } catch (error) {
        throw fail('MISSING_REGION.node', { profile }, { cause: error });
      }
      if (typeof region !== 'string' || region === '') throw fail('MISSING_REGION.node', { profile });
      return check(region, { from: 'config', profile });
    };
  },
  handlerOptions(tier) {
    // @smithy/node-http-handler >= 4.4: `socketTimeout` is the idle limit
    // (botocore's read timeout) and throws; `requestTimeout` would cap the
    // whole request and only log. https://github.com/smithy-lang/smithy-typescript/pull/1620
    return { connectionTimeout: tier.connectTimeoutMs, socketTimeout: tier.readTimeoutMs };
  },
  /**
   * The SDK's region data, `require`d as the SDK's CommonJS clients require it
   * (`#sdkCore`: src/sdkCore.node.js for Node's ES module build,
   * src/sdkCore.cjs for its CommonJS build): an ES module `import` of a
   * CommonJS file would cost up to ~20 ms of startup.
   */
  partition,
};
