/**
 * Every message the core shows, in one place: error messages and log lines.
 *
 * A message id is `CODE.variant` (or `CODE` alone): the part before the dot is
 * the error's stable `code` (which also picks its class, see `errors.ts`).
 * The Node build always shows the full text below. The web build shows it in
 * development and, in production builds (`process.env.NODE_ENV ===
 * 'production'`, as React and Vue do), a short line with the code and a link
 * to the error's section of the Errors page (`scripts/errors-page.mjs` writes it from this file),
 * so bundles carry none of this text.
 *
 * Texts never show a secret: callers pass names, types and non-secret values
 * only, clipped where they come from users.
 *
 * The Errors page shows every text a message can take, so a conditional
 * clause hangs on something scripts/errors-page.mjs can see: a detail that is
 * absent or false (`d.suggestion ? … : …`), a detail compared with a literal
 * (`d.count === 1`), or a helper declared to return `string | undefined`
 * (`nearestOption`). `errorsPage.test.ts` renders every message with sample
 * details and fails on a text the page does not show.
 *
 * @module
 */

import type { MessageFormat, MessageId, MessageValues } from '../../kernel/messages.js';
import type { CatalogLinks } from './links.js';

type Values = MessageValues;

/**
 * What the catalog uses of the kernel and of the other development aids
 * (`links.ts`), handed over by {@link linkCatalog} instead of imported: this
 * file imports types only, so its own built file (which the Node build loads
 * at its first message, `#devCatalog`) holds no module of the rest of the
 * core. Every copy of the core hands over the same helpers.
 */
let links: CatalogLinks;

/** A user-given string shortened for a message, control characters escaped; one that looks like a credential is described, not shown. */
function clip(value: string, max?: number): string {
  // A user-given name can be a secret pasted in the wrong place (an option or field named by a key): never shown.
  if (links.looksLikeCredential(value)) return links.notShown(value);
  return links.escapeControl(links.clip(value, max));
}

/**
 * A thrower's own message (a client constructor's), quoted with every part
 * that looks like a credential (an access key id, a secret key, a token) cut
 * out and control characters escaped: it may quote what the thrower read.
 */
function redacted(text: string): string {
  // Runs of a key's or a token's alphabet, dots included, so that a JWT is one run.
  return links.escapeControl(text.replace(/[\w/+=.-]{16,}/g, (run) => (links.looksLikeCredential(run) ? '[not shown]' : run)));
}

/** A given id for a message: quoted and clipped, or described when it looks like a credential. */
function quotedId(id: string): string {
  return links.looksLikeCredential(id) ? links.notShown(id) : `'${clip(id)}'`;
}

const list = (names: readonly string[] | undefined): string => (names && names.length > 0 ? names.join(', ') : 'none');

/** What the web build's messages add on Node, Bun or Deno: the bundle was made without the `node` condition. */
const WEB_BUILD_ON_SERVER =
  " This is @dbp/aws-core's web build, running on Node (or Bun, Deno): bundle server code with the `node` export condition (esbuild --platform=node; Rollup nodeResolve({ exportConditions: ['node'] })).";

/** How much of a config path (`.a.b[0]`, built from the caller's keys) a message shows. */
const PATH_CHARS = 120;

/** What an options object threw while being read (a failing getter, a revoked Proxy): its error's name, never its text. */
function unreadable(d: Values): string {
  return `${d.where} could not read its options (${d.reason}). Pass a plain object, or an object whose properties can be read (not a revoked Proxy).`;
}

/** Options of the wrong kind; a promise is most often an async function's result passed without `await`. */
function notObject(d: Values): string {
  return `${d.where} takes an options object, got ${d.got}.${d.got === 'a Promise' ? ' Await the promise and pass its result.' : ''}`;
}

/**
 * The allowed option an unknown one was probably meant as: within 3 edits, or
 * contained in it. (A helper that may return nothing is a condition the
 * Errors page shows both ways: scripts/errors-page.mjs.)
 */
function nearestOption(key: string, allowed: readonly string[]): string | undefined {
  return links.closest(key.toLowerCase(), allowed, 3) ?? allowed.find((candidate) => key.toLowerCase().includes(candidate.toLowerCase()));
}

/** SDK client settings a call is most often given beside its options, as for `new S3Client({ endpoint })`. */
const SDK_SETTINGS: ReadonlySet<string> = new Set([
  'endpoint',
  'forcePathStyle',
  'maxAttempts',
  'retryMode',
  'retryStrategy',
  'requestHandler',
  'logger',
  'useFipsEndpoint',
  'useDualstackEndpoint',
  'useAccelerateEndpoint',
  'followRegionRedirects',
  'requestChecksumCalculation',
  'responseChecksumValidation',
  'customUserAgent',
  'systemClockOffset',
  'signer',
]);

/** The SDK client setting a key names, if it names one of {@link SDK_SETTINGS}. */
function sdkSetting(key: string): string | undefined {
  return SDK_SETTINGS.has(key) ? key : undefined;
}

/** The known tier an unknown one was probably meant as: two edits at most (tier names are short: 'fast' is three from 'data'). */
function nearestTier(tier: string, known: readonly string[]): string | undefined {
  return links.closest(tier.toLowerCase(), known, 2);
}

/**
 * What STS's spelling of a credential field (`AccessKeyId`, …: capitals,
 * as in its `Credentials`) maps to, when the misspelt field is that.
 */
function stsSpelling(field: string, names: readonly string[]): string | undefined {
  return names.some((name) => field === name.charAt(0).toUpperCase() + name.slice(1))
    ? " STS's Credentials (AssumeRole, GetSessionToken) spell their fields with capitals: map AccessKeyId, SecretAccessKey, SessionToken and Expiration to accessKeyId, secretAccessKey, sessionToken and expiration."
    : undefined;
}

/**
 * The credential field another spelling means: the shared credentials file's
 * (`aws_access_key_id`), snake case, or a short form (`secretKey`, `token`).
 */
const FIELD_ALIASES: Readonly<Record<string, string>> = {
  accesskeyid: 'accessKeyId',
  accesskey: 'accessKeyId',
  keyid: 'accessKeyId',
  secretaccesskey: 'secretAccessKey',
  secretkey: 'secretAccessKey',
  secret: 'secretAccessKey',
  sessiontoken: 'sessionToken',
  securitytoken: 'sessionToken',
  token: 'sessionToken',
};

function aliasOf(field: string): string | undefined {
  const folded = field
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/^aws/, '');
  // Own entries only: `constructor` is no alias.
  return Object.hasOwn(FIELD_ALIASES, folded) ? FIELD_ALIASES[folded] : undefined;
}

function unknownCredentialField(d: Values): string {
  const field = String(d.field);
  const names = links.credentialFields.map(({ name }) => name);
  const fields = links.credentialFields.map(({ name, required }) => (required ? name : `${name}?`));
  const near = aliasOf(field) ?? nearestOption(field, names);
  const hint = stsSpelling(field, names) ?? (near ? ` Did you mean '${near}'?` : '');
  return `Invalid credentials: unknown field '${clip(field)}'.${hint} Pass { ${list(fields)} }.`;
}

function unknownKey(d: Values, hint?: string): string {
  const key = String(d.key);
  const allowed = (d.allowed ?? []) as readonly string[];
  const near = nearestOption(key, allowed);
  // A known SDK setting (`followRegionRedirects`) before a near option it happens to contain (`region`).
  return `${d.where} got an unknown option '${clip(key)}'.${hint ? ` ${hint}` : near ? ` Did you mean '${near}'?` : ''} Allowed: ${list(allowed)}.`;
}

/** The registered or packaged id an unknown one was probably meant as (`serviceIds.ts`: never `sqs` → `sts`). */
function nearestService(id: string, known: readonly string[]): string | undefined {
  return links.nearestServiceId(id, [...known, ...links.packagedServiceIds()]);
}

/** The `@dbp/aws-*` package that serves a service id, if there is one (from the service manifest). */
function servingPackage(id: string): string | undefined {
  return Object.hasOwn(links.servicePackages, id) ? links.servicePackages[id] : undefined;
}

/** The package that serves a suggested id, when the id is not registered yet (so the suggestion needs it). */
function packageToImport(id: string, known: readonly string[]): string | undefined {
  return known.includes(id) ? undefined : servingPackage(id);
}

/**
 * How to use a service a package serves. The service definition a package
 * exports is named by its id in camelCase (`bedrock-runtime` →
 * `bedrockRuntime`), as the service manifest derives it.
 */
function serves(id: string, pkg: string): string {
  return `${pkg} serves it: import '${pkg}/register' once, or pass ${id.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())} from ${pkg}.`;
}

/**
 * An unknown service id: the package that serves it, if one does; else the
 * closest registered or packaged id (with its package when it is not
 * registered) and how to pass an SDK client class, by one real example (an
 * SDK package or class guessed from the id may not exist: `s4`, `dynamo`).
 */
function unknownService(d: Values): string {
  const id = String(d.id);
  const known = (d.known ?? []) as readonly string[];
  const servedBy = servingPackage(id);
  if (servedBy) return `Unknown service ${quotedId(id)}. Registered: ${list(known)}. ${serves(id, servedBy)}`;
  const near = nearestService(id, known);
  const nearPackage = near ? packageToImport(near, known) : undefined;
  // With a close id, the rest is for a service that is really another one: it must not read as
  // "no package serves it" right after naming the package that serves the close id.
  const other = near ? 'If you meant another AWS service, pass' : `No @dbp/aws package serves ${quotedId(id)}; for another AWS service, pass`;
  return `Unknown service ${quotedId(id)}.${near ? ` Did you mean '${near}'?${nearPackage ? ` ${serves(near, nearPackage)}` : ''}` : ''} Registered: ${list(known)}. ${other} its SDK v3 client class (from its @aws-sdk/client-* package), such as getClient(SQSClient, …) with SQSClient from @aws-sdk/client-sqs.`;
}

/**
 * Where a refused region came from, when not from the call (details `from`,
 * `variable`, `profile`), and what to change there: the phrase after the
 * region and the sentence at the end (with the config file's line as it
 * should read, when there is a `suggestion`).
 */
function regionFrom(d: Values, suggestion?: unknown): readonly [string, string] {
  if (d.from === 'environment') return [` from the ${d.variable} environment variable`, ` Fix ${d.variable}, or pass region.`];
  if (d.from === 'defaultRegion') return [" from the factory's defaultRegion", ' Fix defaultRegion (createClientFactory() or configureClientFactory()).'];
  if (d.from === 'clientConfig') return [' from config.region', ' Fix config.region.'];
  if (d.from === 'config') {
    const profile = d.profile ? `profile '${clip(String(d.profile))}'` : "the profile AWS_PROFILE names (else 'default')";
    // The file's line as it should read: the suggestion when there is one (an example region would read as the fix).
    const line = suggestion ? ` (region = ${clip(String(suggestion))})` : '';
    return [` from ${profile} in the shared config file`, ` Fix the profile's region${line}, set AWS_REGION, or pass region.`];
  }
  return ['', ''];
}

/**
 * A table of rules, built at its first read: its texts interpolate a link
 * (`links.maxTimerMs`), which is not there before {@link linkCatalog} runs.
 * Written as a function that returns the table, the `@__PURE__` call's only
 * argument is an arrow function, free of side effects, so a production
 * bundle that drops every message drops the table too.
 */
const rules = (make: () => Record<string, string>): Readonly<Record<string, string>> => {
  let table: Record<string, string> | undefined;
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key !== 'string') return undefined;
        table ??= make();
        return table[key];
      },
    },
  );
};

/** What each `createClientFactory` option must be (the `INVALID_FACTORY_OPTIONS.value` text). */
const FACTORY_RULES: Readonly<Record<string, string>> = /* @__PURE__ */ rules(() => ({
  tiers: 'must be an object of tier name → tier',
  serviceTiers: 'must be an object of service id → tier name',
  maxClients: 'must be a positive integer',
  ttlMs: `when given, must be a positive number of milliseconds, at most ${links.maxTimerMs} (a timer's longest wait, about 24.8 days)`,
  logger: 'must be an object with debug/info/warn/error methods',
  regionValidation: "must be 'strict', 'warn' or 'off'",
  onEvent: 'when given, must be a function',
  abandonedBodyMs: `must be a number of milliseconds (0 turns it off), at most ${links.maxTimerMs}`,
  onAbandonedBody: "must be 'warn' or 'destroy'",
  disposeGraceMs: `must be a number of milliseconds, at most ${links.maxTimerMs}`,
}));

/** What each field of a tier must be (the `INVALID_FACTORY_OPTIONS.tier` text). */
const TIER_RULES: Readonly<Record<string, string>> = /* @__PURE__ */ rules(() => ({
  tier: 'it must be an object',
  maxAttempts: 'maxAttempts must be a positive integer (total attempts, first included)',
  retryMode: "retryMode must be 'standard' or 'adaptive'",
  connectTimeoutMs: `connectTimeoutMs must be a positive integer of milliseconds, at most ${links.maxTimerMs}`,
  readTimeoutMs: `readTimeoutMs must be a positive integer of milliseconds, at most ${links.maxTimerMs}`,
}));

/** What each field of a service definition must be (the `INVALID_SERVICE_DEFINITION` text). */
const DEFINITION_RULES: Record<string, string> = {
  definition: 'defineService() takes an object',
  id: 'id must be lower-case letters, digits and dashes, starting with a letter',
  tier: "tier must be a tier name such as 'standard'",
  create: 'create must be a function (config) => client',
  created:
    "create must return the SDK client itself (an object with destroy()), at once: an async create gives a promise (import the client's module before calling getClient())",
  handlerOptions: 'handlerOptions, when given, must be a function',
  origin: 'origin, when given, must be a non-empty string (the defining package)',
  registered: 'registerService() takes a definition made by defineService()',
};

/** The full text of every message, by id: exactly the kernel's `MessageId`s (the compiler keeps the two lists in step). */
const MESSAGES: { readonly [TId in MessageId]: (details: Values) => string } = {
  CONSTRUCTOR_IS_PRIVATE: (): string =>
    'AwsClientFactory is not constructed directly. Use AwsClientFactory.getInstance() (or getClientFactory()) for the process-wide factory, or createClientFactory(options) for an isolated one.',
  FACTORY_ALREADY_IN_USE: (d: Values): string =>
    `configureClientFactory() was called after the process-wide factory made a client or a session${d.differs ? `, with other options than before (${d.differs} differs)` : ''}; its options would apply only to what it makes later, so nothing was changed. Call configureClientFactory() once at start-up, before the first getClient() or get<Service>Client() call (imports run first: a module that makes a client when imported runs before the code of the module importing it, so configure in a module your entry imports first; called again with equal options, as a setup file run once per test file may be, it changes nothing and is accepted), or use createClientFactory(options) for a factory of your own.`,
  FACTORY_DISPOSED: (d: Values): string =>
    d.shared
      ? 'The process-wide factory was disposed. getClientFactory() (and the get…Client() helpers) now give a fresh one: get it again rather than keeping a reference to the old one.'
      : 'This factory was disposed and cannot be used again. Create a new one with createClientFactory().',
  'FACTORY_DISPOSED.request': (d: Values): string =>
    `The ${d.service} ${d.operation} request was still running when dispose() ended its grace period (${d.ms} ms), so it was stopped, retries included. Let requests finish before dispose(), or raise disposeGraceMs.`,
  'FACTORY_DISPOSED.body': (d: Values): string =>
    `The ${d.service} ${d.operation} response body was still open when dispose() ended its grace period (${d.ms} ms), so it was destroyed. Read each body before dispose(), or raise disposeGraceMs.`,
  'FACTORY_DISPOSED.send': (d: Values): string =>
    `An attempt of the ${d.service} ${d.operation} request was not sent: its factory was disposed. Get the client from a factory in use: getClientFactory() gives a fresh process-wide one, or use createClientFactory().`,
  BODY_ABANDONED: (d: Values): string =>
    `The ${d.service} ${d.operation} response body (region ${clip(String(d.region), 64)}) went unread for ${d.ms} ms, so the factory destroyed it (onAbandonedBody: 'destroy'). Read each body when its response arrives, raise abandonedBodyMs, or use onAbandonedBody: 'warn'.`,

  'INVALID_OPTIONS.notObject': (d: Values): string => notObject(d),
  'INVALID_OPTIONS.unknownKey': (d: Values): string => {
    // A call that takes `config`, given an SDK client setting beside its options (as for `new S3Client({ endpoint })`).
    const setting = d.config ? sdkSetting(String(d.key)) : undefined;
    return unknownKey(d, setting ? `SDK client settings go in config: { config: { ${setting}: … } }.` : undefined);
  },
  'INVALID_OPTIONS.unreadable': (d: Values): string => unreadable(d),
  'INVALID_OPTIONS.filterService': (d: Values): string =>
    `${d.id === undefined ? '' : `clearCache({ service }) got ${quotedId(String(d.id))}, which no service id can be (ids are lower case letters, digits and dashes)${d.near === undefined ? '.' : `; did you mean ${quotedId(String(d.near))}?`} `}clearCache({ service }) takes a service id (such as 's3'), a service definition (such as s3 from @dbp/aws-s3) or an SDK client class (such as SQSClient).`,
  'INVALID_OPTIONS.filterRegion': (): string => "clearCache({ region }) takes a region string such as 'us-east-1'.",
  'INVALID_OPTIONS.conflict': (d: Values): string =>
    `getClient() got ${d.name} twice, as an option and as config.${d.name}, ${d.name === 'credentials' ? 'not the same object or function' : 'with different values'}. Pass it once, as the ${d.name} option (config.${d.name} is read only when the option is not given).`,

  'INVALID_FACTORY_OPTIONS.unreadable': (d: Values): string => unreadable(d),
  'INVALID_FACTORY_OPTIONS.notObject': (d: Values): string => notObject(d),
  'INVALID_FACTORY_OPTIONS.unknownKey': (d: Values): string => unknownKey(d),
  'INVALID_FACTORY_OPTIONS.value': (d: Values): string =>
    d.instance
      ? `${d.where}: ${d.name} ${FACTORY_RULES[String(d.name)]}, got a class instance or an object made by Object.create(). Pass an object literal, such as { ...${d.name} }.`
      : `${d.where}: ${d.name} ${FACTORY_RULES[String(d.name)]}, got ${d.got}.`,
  'INVALID_FACTORY_OPTIONS.serviceId': (d: Values): string =>
    `${d.where}: serviceTiers has a key ${quotedId(String(d.key))} that is no service id; did you mean '${d.near}'? A key is a service id as getClient() knows it (such as 's3', or 'sqs' for SQSClient) or a service family (such as 'bedrock'), spelt exactly.`,
  'INVALID_FACTORY_OPTIONS.tierField': (d: Values): string => {
    const near = nearestOption(String(d.key), links.tierFields);
    return `Tier '${clip(String(d.name))}' has no field '${clip(String(d.key))}'${near ? `; did you mean '${near}'?` : '.'} A tier is { ${list(links.tierFields)} }, for example DEFAULT_TIERS.standard.`;
  },
  'INVALID_FACTORY_OPTIONS.tier': (d: Values): string =>
    `Tier '${clip(String(d.name))}' is invalid: ${TIER_RULES[String(d.field)]}. A tier is { ${list(links.tierFields)} }, for example DEFAULT_TIERS.standard.`,

  'INVALID_CONFIG.notObject': (d: Values): string =>
    d.instance
      ? 'config must be a plain object of SDK client configuration, got a class instance or an object made by Object.create(), whose values are not read. Pass an object literal, such as { endpoint: settings.endpoint }.'
      : `config must be a plain object of SDK client configuration, got ${d.got}.`,
  'INVALID_CONFIG.symbol': (d: Values): string =>
    `config${clip(String(d.path), PATH_CHARS)} is a symbol; configuration values must be data, functions or objects.`,
  'INVALID_CONFIG.cycle': (d: Values): string =>
    `config${clip(String(d.path), PATH_CHARS)} refers back to itself (a cycle). Pass configuration without cycles.`,
  'INVALID_CONFIG.depth': (d: Values): string => `config is nested deeper than ${d.max} levels at config${clip(String(d.path), PATH_CHARS)}.`,
  'INVALID_CONFIG.create': (d: Values): string =>
    `Creating the ${d.service} client failed: ${redacted(String(d.reason)).replace(/\.$/, '')}. Check the config passed to getClient().`,
  'INVALID_CONFIG.endpoint': (d: Values): string =>
    d.got !== undefined
      ? `config.endpoint must be a URL string such as 'http://127.0.0.1:4566' (or a URL, an endpoint object or a function that gives one), got ${d.got}.`
      : `config.endpoint ${d.scheme === undefined ? 'is not a URL (new URL() refuses it, as the SDK would at the first request)' : `has the scheme '${clip(String(d.scheme), 32)}' (the text before its first colon), and the SDK sends only to http: and https: URLs`}. Give the whole URL with its scheme, such as 'http://127.0.0.1:4566'.`,

  'UNKNOWN_SERVICE.id': (d: Values): string => unknownService(d),
  'UNKNOWN_SERVICE.type': (d: Values): string =>
    `${d.where} takes a service definition (such as s3 from @dbp/aws-s3), a registered id (such as 's3') or an SDK v3 client class (such as SQSClient), got ${d.got}.`,
  'UNKNOWN_SERVICE.notClient': (d: Values): string =>
    `The service given is a function that is not an AWS SDK v3 client class (${d.threw ? `constructing it threw ${d.threw}` : 'its instances have no config.serviceId, destroy() or middlewareStack'}). Pass the class itself, such as SQSClient from @aws-sdk/client-sqs.`,
  UNKNOWN_TIER: (d: Values): string => {
    const known = (d.known ?? []) as readonly string[];
    const near = nearestTier(String(d.tier), known);
    const guess = near ? ` Did you mean '${near}'?` : '';
    // From factory options (`where`): a serviceTiers entry's tier; else a call's `tier` option.
    return d.where
      ? `Unknown tier '${clip(String(d.tier))}' for service '${clip(String(d.service))}' in serviceTiers.${guess} Known tiers: ${list(known)}. Add it with the tiers option of ${d.where}.`
      : `Unknown tier '${clip(String(d.tier))}'.${guess} Known tiers: ${list(known)}. Add it with the tiers option of createClientFactory() (or configureClientFactory() for the process-wide factory).`;
  },
  'INVALID_SERVICE_DEFINITION.unreadable': (d: Values): string => unreadable(d),
  'INVALID_SERVICE_DEFINITION.unknownKey': (d: Values): string => unknownKey(d),
  INVALID_SERVICE_DEFINITION: (d: Values): string =>
    `Invalid service definition: ${DEFINITION_RULES[String(d.field)]}, got ${d.got}. Pass { id: 'my-service', tier: 'standard', create: (config) => new MyClient(config) } to defineService(), and a definition made by defineService() to registerService().`,

  'INVALID_CREDENTIALS.type': (d: Values): string =>
    `Invalid credentials: expected { accessKeyId, secretAccessKey, sessionToken?, expiration? } or a credential provider function, got ${d.got}.${d.got === 'a Promise' ? ' Pass the provider function itself (credentials: provider), not the promise that calling it returns.' : ''}`,
  'INVALID_CREDENTIALS.unknownField': (d: Values): string => unknownCredentialField(d),
  'INVALID_CREDENTIALS.field': (d: Values): string =>
    `Invalid credentials: ${d.field} ${d.required ? 'must be' : 'when given, must be'} ${d.type === 'date' ? 'a valid Date' : 'a non-empty string'}, got ${d.got}. Pass { accessKeyId, secretAccessKey, sessionToken?, expiration? }, or a credential provider function.`,
  'INVALID_CREDENTIALS.whitespace': (d: Values): string =>
    `Invalid credentials: ${d.field} contains white space (check how the value was copied). Pass { accessKeyId, secretAccessKey, sessionToken?, expiration? } with the exact values.`,
  'INVALID_CREDENTIALS.profile': (d: Values): string => `profile must be a non-empty profile name without surrounding spaces, got ${d.got}.`,
  'INVALID_CREDENTIALS.unreadable': (d: Values): string => unreadable(d),
  'INVALID_CREDENTIALS.keyed': (): string =>
    'keyedCredentials(key, provider, options?) takes a non-empty string key, a provider function and, optionally, { refreshWindowMs } in milliseconds (0 or more) and { dependsOn }: credentials, a provider or a non-empty secret string.',
  CREDENTIALS_EXPIRED: (d: Values): string =>
    `The explicit credentials expired at ${d.at}. Pass fresh credentials, or a credential provider function that refreshes them.`,
  'CREDENTIALS_REJECTED.static': (d: Values): string =>
    `The service rejected the explicit credentials ${d.credentialId} (${d.code}): they are no longer valid, and explicit credentials cannot be refreshed. Pass fresh ones, or a provider function (assumeRole, fromTemporaryCredentials) that the factory can refresh when this happens.`,
  'CREDENTIALS_REJECTED.stream': (d: Values): string =>
    `The service rejected credentials ${d.credentialId} (${d.code}, ${d.kind}); they will be refreshed for the next request, but this one was not sent again: its body is a stream that can be read once only. Send it again (with a new stream), or pass the body as a Buffer, Uint8Array or string.`,
  'CREDENTIALS_REJECTED.unchanged': (d: Values): string =>
    `The service rejected credentials ${d.credentialId} (${d.code}, ${d.kind}), and refreshing them gave the same credentials. Check the credential source: it may cache what it was given (a token or key that has itself expired or been revoked), or its clock may be off.`,
  'CREDENTIALS_REJECTED.again': (d: Values): string =>
    `The service rejected credentials ${d.credentialId} (${d.code}, ${d.kind}) again after they were refreshed. Check that the credential source gives credentials this service accepts (the role's session, the source's own key), and the host's clock.`,
  MISSING_CREDENTIALS: (d: Values): string =>
    `No credentials: ${d.profile === undefined ? '' : `profile '${clip(String(d.profile))}' was given, but profiles (the shared config files) exist only on Node, and `}browsers and edge runtimes have no default credential chain. Pass credentials: { accessKeyId, secretAccessKey, sessionToken? } or a provider function (for example fromCognitoIdentityPool) to getClient()/getSession().${d.server ? WEB_BUILD_ON_SERVER : ''}`,
  PROFILE_NOT_FOUND: (d: Values): string =>
    `Could not load credentials for profile '${clip(String(d.profile))}'${d.of ? ` (the source_profile of '${clip(String(d.of))}')` : ''} from ${d.sources}: it is not there, or it is incomplete (aws_access_key_id without aws_secret_access_key, role_arn without source_profile or credential_source). Check its name and its settings, or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE to the files that define it.`,
  'CREDENTIAL_PROVIDER_FAILED.rejected': (d: Values): string =>
    d.kind === 'chain'
      ? `Could not resolve AWS credentials: the default credential chain failed with ${d.reason} (its error is this error's cause). Pass credentials explicitly, choose a profile, or configure the chain (environment variables, shared files, SSO, container or instance role).`
      : `Could not resolve AWS credentials: the credential provider given as credentials failed with ${d.reason} (its error is this error's cause). Fix that provider, or what it reads from (its source, permissions, network).`,
  'CREDENTIAL_PROVIDER_FAILED.sso': (d: Values): string =>
    `The SSO session of ${d.profile === undefined ? 'the profile in use' : `profile '${clip(String(d.profile))}'`} has expired or cannot be refreshed: run \`aws sso login${d.profile === undefined ? '' : ` --profile ${clip(String(d.profile))}`}\` and retry.`,
  'CREDENTIAL_PROVIDER_FAILED.profile': (d: Values): string =>
    `Could not load credentials for profile '${clip(String(d.profile))}' (${d.reason}; the SDK's error is this error's cause): check its credential_process, role or web identity settings in ${d.sources}.`,
  'CREDENTIAL_PROVIDER_FAILED.environmentProfile': (d: Values): string =>
    `The default credential chain failed (${d.reason}; the SDK's error is this error's cause) with AWS_PROFILE naming profile '${clip(String(d.profile))}': check that ${d.sources} define it and that it can give credentials (its keys, credential_process, role or SSO session), or unset AWS_PROFILE.`,
  'CREDENTIAL_PROVIDER_FAILED.notCredentials': (): string =>
    'The credential provider resolved to something that is not credentials ({ accessKeyId, secretAccessKey, … }, both non-empty strings). Fix the provider function.',
  'CREDENTIAL_PROVIDER_FAILED.expiration': (d: Values): string =>
    `The credential provider returned an expiration that is not a date (${d.got}). Return a Date, an ISO 8601 string or epoch milliseconds.`,

  'INVALID_REGION.type': (d: Values): string =>
    `${d.from === 'defaultRegion' ? 'defaultRegion' : d.from === 'clientConfig' ? 'config.region' : 'region'} must be a string such as 'us-east-1', got ${d.got}.${d.got === 'a function' ? ' Resolve a region provider first: the region is part of the cache key.' : ''}`,
  'INVALID_REGION.malformed': (d: Values): string => {
    const [from, fix] = regionFrom(d, d.suggestion);
    return `Region '${clip(String(d.region), 64)}'${from} is not a valid AWS region${d.suggestion ? ` — did you mean '${d.suggestion}'?` : '. Use a region code such as us-east-1 (lower case, dashes, a number at the end).'}${fix}`;
  },
  UNKNOWN_REGION: (d: Values): string => {
    const [from, fix] = regionFrom(d);
    return `Region '${clip(String(d.region), 64)}'${from} is not in the AWS SDK's region list. If it is a new region, update the SDK or use regionValidation: 'warn'; otherwise check the spelling.${fix}`;
  },
  'MISSING_REGION.web': (d: Values): string =>
    `No region: browsers and edge runtimes have no AWS config files. Pass region (or set defaultRegion on the factory, or configureClientFactory({ defaultRegion }) for the process-wide one).${d.server ? WEB_BUILD_ON_SERVER : ''}`,
  'MISSING_REGION.node': (d: Values): string =>
    `No region: the call (getClient() or warm()) gave none, the factory has no defaultRegion, AWS_REGION is not set, and the SDK found none in the shared config file for ${d.profile ? `profile '${clip(String(d.profile))}'` : "the profile AWS_PROFILE names (else 'default')"} or in the instance metadata (the SDK's error is this error's cause). Pass region to the call, set defaultRegion on the factory (createClientFactory({ defaultRegion }), or configureClientFactory({ defaultRegion }) for the process-wide one), set AWS_REGION, or give the profile a region in its config file (region = us-east-1).`,

  'LOG.newRegion': (d: Values): string =>
    `[@dbp/aws] Region '${clip(String(d.region), 64)}' is not in the AWS SDK's region list; using it as given (a new region?). Update the SDK, or set regionValidation: 'strict' to refuse unlisted regions.`,
  'LOG.providerPerCall': (d: Values): string =>
    `[@dbp/aws] ${d.service}: ${d.count} clients were created within ${d.seconds} s for ${d.count} different credential provider functions, ${d.keyed ? `each a keyed provider whose key came back with a dependsOn or source of its own, none used again after the call that made it within ${d.settle} s` : `none asked for again within ${d.settle} s`}. A provider built per call (fromTemporaryCredentials(), fromCognitoIdentityPool(), a profile provider, …; also one passed as assumeRole()'s source or keyedCredentials()' dependsOn) makes every getClient a cache miss: a new client, a new credential session and, for an assumed role, an STS call each time. Build the provider once, give it a stable key with keyedCredentials(key, provider), use assumeRole() from @dbp/aws-sts (with a source built once), or pass profile.`,
  'LOG.abandoned': (d: Values): string =>
    `[@dbp/aws] ${d.service} (region ${clip(String(d.region), 64)}, credentials ${d.credentialId}): ${d.count === 1 ? '1 response body' : `${d.count} response bodies`} of ${d.operations} neither read nor destroyed for ${d.seconds} s. An unread body keeps its socket; once the pool is exhausted every request on this client waits. Read each body (transformToString(), pipe it; an event stream such as ConverseStream's: iterate it to its end, or break out of the loop) or call body.destroy()${d.destroyed ? `. ${d.count === 1 ? 'It was' : 'They were'} destroyed (onAbandonedBody: 'destroy').` : "; onAbandonedBody: 'destroy' makes the factory destroy them."}`,
  'LOG.created': (d: Values): string =>
    `[@dbp/aws] created ${d.service} client (tier ${clip(String(d.tier))}, region ${clip(String(d.region), 64)}, credentials ${d.credentialId})`,
  'LOG.removed': (d: Values): string =>
    `[@dbp/aws] ${d.reason} ${d.service} client (region ${clip(String(d.region), 64)}, credentials ${d.credentialId}${d.inFlight === undefined ? '' : `, ${d.inFlight} in flight`})`,
  'LOG.destroyFailed': (d: Values): string => `[@dbp/aws] destroying a ${d.service} client failed: ${d.reason}`,
  'LOG.listenerThrew': (d: Values): string =>
    `[@dbp/aws] an onEvent listener threw ${d.reason}. The factory carried on; make the listener catch its own errors.`,
  'LOG.refreshFailed': (d: Values): string =>
    `[@dbp/aws] refreshing credentials ${d.credentialId} ahead of their expiry failed (${d.reason}); the current ones stay in use until they expire, and the refresh is retried.`,
};

/** Every message id (for the documentation generator). */
export function messageIds(): MessageId[] {
  return Object.keys(MESSAGES) as MessageId[];
}

/** The full text of a message (once linked). */
const fullMessage: MessageFormat = (id, details) => MESSAGES[id](details);

/**
 * The catalog, linked to the helpers it uses (`links.ts`): returns the
 * message format the development aids install.
 */
export function linkCatalog(given: CatalogLinks): MessageFormat {
  links = given;
  return fullMessage;
}
