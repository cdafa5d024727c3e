import { Frontend } from './internal/frontend.js';
import { IdentityStore, randomKeyId, randomSecret } from './internal/identities.js';
import { startBlackhole, startUnresponsive } from './internal/listeners.js';
import type { ServiceBackend } from './internal/protocols.js';
import { LocalStsImpl } from './internal/roles.js';
import { createAthenaBackend } from './internal/services/athena.js';
import { createBedrockBackend } from './internal/services/bedrock.js';
import { createDynamoDBBackend } from './internal/services/dynamodb.js';
import { createS3Backend } from './internal/services/s3.js';
import { createSageMakerBackend } from './internal/services/sagemaker.js';
import { createSqsBackend } from './internal/services/sqs.js';
import { createStsBackend } from './internal/services/sts.js';
import { FaultInjectorImpl, RequestLogImpl } from './internal/state.js';
import type { LocalAws, LocalAwsCredentials, LocalClientOptions, LocalListener, LocalServiceName, LocalStsOptions, StartLocalAwsOptions } from './types.js';

/** Every service `startLocalAws` can run (all of them when `services` is omitted). */
export const LOCAL_SERVICES: readonly LocalServiceName[] = Object.freeze(['s3', 'dynamodb', 'bedrock-runtime', 'sagemaker', 'athena', 'sts', 'sqs'] as const);

/**
 * Fresh test credentials: an `AKIA…`-shaped 20-character access key id and a 40-character secret.
 * They only work against local endpoints that were told about them.
 */
export function generateTestCredentials(): LocalAwsCredentials {
  return { accessKeyId: randomKeyId('AKIA'), secretAccessKey: randomSecret() };
}

function checkCredentials(c: unknown, what: string): LocalAwsCredentials {
  const creds = c as Partial<LocalAwsCredentials> | undefined;
  if (
    !creds ||
    typeof creds.accessKeyId !== 'string' ||
    creds.accessKeyId === '' ||
    typeof creds.secretAccessKey !== 'string' ||
    creds.secretAccessKey === ''
  ) {
    throw new TypeError(`${what} must be { accessKeyId, secretAccessKey } with non-empty strings`);
  }
  if (creds.accessKeyId.includes('/')) throw new TypeError(`${what}.accessKeyId must not contain '/'`);
  return { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey };
}

/** How a refused option value is shown: a string quoted (an environment variable's `'false'`), anything else by its kind. */
function describe(value: unknown): string {
  if (typeof value === 'string') return value.length <= 40 ? `'${value}'` : `a string of ${value.length} characters`;
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

/**
 * A boolean option, `true` when omitted. Anything else is refused: `verifySignatures: 'false'`
 * (read from an environment variable) was truthy, and checked signatures.
 */
function checkFlag(value: unknown, name: string): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

/**
 * The regions a service's signatures may be scoped to: the endpoint's region, as in AWS. STS also
 * takes `us-east-1`, the signing region of its global endpoint (`sts.amazonaws.com`), which the
 * one local STS endpoint stands for as well as for the regional one: the SDK's role assumers sign
 * for `us-east-1` when no region is configured.
 */
function signingRegions(service: LocalServiceName, region: string): [string, ...string[]] {
  return service === 'sts' && region !== STS_GLOBAL_REGION ? [region, STS_GLOBAL_REGION] : [region];
}

/** The signing region of STS's global endpoint. */
const STS_GLOBAL_REGION = 'us-east-1';

/** What every backend may need besides its own options. */
interface Shared {
  readonly region: string;
  readonly options: StartLocalAwsOptions;
  readonly identities: IdentityStore;
  readonly sts: LocalStsImpl;
}

function createBackend(service: LocalServiceName, { region, options, identities, sts }: Shared): Promise<ServiceBackend> | ServiceBackend {
  switch (service) {
    case 's3':
      return createS3Backend();
    case 'dynamodb':
      return createDynamoDBBackend();
    case 'bedrock-runtime':
      return createBedrockBackend(options.bedrockModels ?? []);
    case 'sagemaker':
      return createSageMakerBackend(region);
    case 'athena':
      return createAthenaBackend(region);
    case 'sts':
      return createStsBackend(identities, sts);
    case 'sqs':
      return createSqsBackend(region);
  }
}

/** Every option of `startLocalAws`, exactly the keys of `StartLocalAwsOptions` (the compiler keeps them in step). */
const OPTION_KEYS: { readonly [K in keyof StartLocalAwsOptions]-?: true } = {
  services: true,
  region: true,
  credentials: true,
  verifySignatures: true,
  cors: true,
  bedrockModels: true,
  sts: true,
};

/** Every option of `startLocalAws({ sts })`, exactly the keys of `LocalStsOptions`. */
const STS_OPTION_KEYS: { readonly [K in keyof LocalStsOptions]-?: true } = { credentialLifetimeSeconds: true, roles: true };

/**
 * Refuses an option `where` does not have (`service` for `services` started
 * every service), naming the one meant. A key that is no plain name (a
 * pasted secret, control characters) is described by its length only.
 */
function checkOptionKeys(where: string, options: object, names: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    const folded = key.toLowerCase();
    const near = names.find((name) => name.toLowerCase() === folded || (key.length > 2 && (name.startsWith(key) || key.startsWith(name))));
    const shown = /^[A-Za-z_$][\w$-]{0,39}$/.test(key) ? `'${key}'` : `of ${key.length} characters`;
    throw new TypeError(`${where} has no option ${shown}${near ? `; did you mean '${near}'?` : '.'} Its options: ${names.join(', ')}.`);
  }
}

/**
 * Starts local AWS endpoints on 127.0.0.1, each on its own random port: S3 (s3rver) and DynamoDB
 * (dynalite) behind a SigV4-verifying proxy, and in-process Bedrock Runtime, SageMaker, Athena,
 * STS and SQS servers. Every endpoint speaks HTTP/1.1 and HTTP/2 (h2c), checks signatures (and the
 * session tokens and expiry of credentials the local STS issued), answers CORS, logs requests and
 * takes injected faults. Stop it with `stop()` or `await using`.
 *
 * @example
 * ```ts
 * await using local = await startLocalAws({ services: ['s3'] });
 * const client = factory.getClient(s3, local.clientOptions('s3'));
 * // or: const { region, credentials, config } = local.clientOptions('s3');
 * //     const client = new S3Client({ region, credentials, ...config });
 * ```
 */
export async function startLocalAws(options: StartLocalAwsOptions = {}): Promise<LocalAws> {
  // Options of another kind (a promise passed without `await`, null) would start every service with defaults.
  const promised = typeof options === 'object' && options !== null && typeof (options as { then?: unknown }).then === 'function';
  if (typeof options !== 'object' || options === null || Array.isArray(options) || promised) {
    const got = options === null ? 'null' : promised ? 'a Promise: await it' : Array.isArray(options) ? 'an array' : typeof options;
    throw new TypeError(`startLocalAws() takes an options object, got ${got}`);
  }
  checkOptionKeys('startLocalAws()', options, Object.keys(OPTION_KEYS));
  if (typeof options.sts === 'object' && options.sts !== null) checkOptionKeys('startLocalAws({ sts })', options.sts, Object.keys(STS_OPTION_KEYS));
  const given: unknown = options.services;
  if (given !== undefined && (typeof given !== 'object' || given === null || typeof (given as Iterable<unknown>)[Symbol.iterator] !== 'function')) {
    throw new TypeError(
      `services must be an array (or any iterable) of service names, such as ['s3'], got ${typeof given === 'string' ? `'${given}'` : given === null ? 'null' : `${typeof given} that is not iterable`}`,
    );
  }
  const services = given === undefined ? [...LOCAL_SERVICES] : [...(given as Iterable<LocalServiceName>)];
  for (const s of services)
    if (!LOCAL_SERVICES.includes(s)) throw new TypeError(`unknown service '${String(s)}'; expected one of ${LOCAL_SERVICES.join(', ')}`);
  const started = new Set<LocalServiceName>(services);
  const region = options.region ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new TypeError(`region '${region}' is not a region name`);
  // A session token here was dropped: a client signing with it got `InvalidToken`, and clientOptions() handed out no token.
  if ((options.credentials as { sessionToken?: unknown } | undefined)?.sessionToken !== undefined) {
    throw new TypeError(
      'credentials is the long-term key pair { accessKeyId, secretAccessKey } and takes no sessionToken; accept temporary credentials with local.addCredentials({ accessKeyId, secretAccessKey, sessionToken })',
    );
  }
  const credentials = options.credentials ? checkCredentials(options.credentials, 'credentials') : generateTestCredentials();
  const verify = checkFlag(options.verifySignatures, 'verifySignatures');
  const cors = checkFlag(options.cors, 'cors');
  const models: unknown = options.bedrockModels;
  if (models !== undefined && (!Array.isArray(models) || models.some((m) => typeof m !== 'string' || m === ''))) {
    const got = Array.isArray(models) ? 'an array with an entry that is no non-empty string' : describe(models);
    throw new TypeError(`bedrockModels must be an array of model ids, such as ['my-org.my-model'], got ${got}`);
  }

  const identities = new IdentityStore();
  identities.add(credentials);
  const sts = new LocalStsImpl(identities, options.sts);
  const log = new RequestLogImpl(LOCAL_SERVICES, started);
  const faults = new FaultInjectorImpl(started);
  const backends: ServiceBackend[] = [];
  const frontends = new Map<LocalServiceName, Frontend>();
  const listeners = new Set<LocalListener>();
  let stopping: Promise<void> | undefined;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Requests a backend holds open (SQS long polls) are answered first, while their sockets still carry the answer.
      const woke = backends.map((b) => b.quiesce?.() === true);
      if (woke.includes(true)) await Promise.allSettled([...frontends.values()].map((f) => f.settle(1_000)));
      await Promise.allSettled([...frontends.values()].map((f) => f.close()));
      await Promise.allSettled([...listeners].map((l) => l.close()));
      await Promise.allSettled(backends.map((b) => b.close()));
    })();
    return stopping;
  };

  // Every start settles before a failure is handled: the services that did start (a child process,
  // a listener) are all stopped then, none left running to keep the caller's process alive.
  const starts = await Promise.allSettled(
    [...started].map(async (service) => {
      const backend = await createBackend(service, { region, options, identities, sts });
      backends.push(backend);
      frontends.set(
        service,
        await Frontend.start({ backend, cors, verify, regions: signingRegions(service, region), lookup: (id) => identities.lookup(id), log, faults }),
      );
    }),
  );
  const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }

  const endpoints = {} as Record<LocalServiceName, string>;
  for (const service of LOCAL_SERVICES) {
    const frontend = frontends.get(service);
    if (frontend) endpoints[service] = frontend.endpoint;
  }
  Object.freeze(endpoints);

  const track = async (start: () => Promise<LocalListener>): Promise<LocalListener> => {
    if (stopping) throw new Error('LocalAws is stopped');
    const listener = await start();
    let closed: Promise<void> | undefined;
    const tracked: LocalListener = {
      endpoint: listener.endpoint,
      close() {
        listeners.delete(tracked);
        closed ??= listener.close();
        return closed;
      },
    };
    listeners.add(tracked);
    if (stopping) {
      await tracked.close();
      throw new Error('LocalAws is stopped');
    }
    return tracked;
  };

  const local: LocalAws = {
    region,
    // A fresh object each time: the SDK writes bookkeeping (`$source`) into credential objects.
    get credentials() {
      return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey };
    },
    endpoints,
    requests: log,
    faults,
    sts,
    addCredentials(c) {
      const token = (c as { sessionToken?: unknown } | undefined)?.sessionToken;
      if (token !== undefined && (typeof token !== 'string' || token === '')) {
        throw new TypeError('addCredentials().sessionToken must be a non-empty string when given');
      }
      identities.add(checkCredentials(c, 'addCredentials()'), token);
    },
    clientOptions(service): LocalClientOptions {
      const endpoint = endpoints[service];
      if (endpoint === undefined) throw new Error(`clientOptions('${service}'): the service was not started (started: ${[...started].join(', ')})`);
      return {
        region,
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
        config: service === 's3' ? { endpoint, forcePathStyle: true } : { endpoint },
      };
    },
    blackhole: () => track(startBlackhole),
    unresponsive: () => track(startUnresponsive),
    stop,
    [Symbol.asyncDispose]: stop,
  };
  // Where the realm has no Symbol.asyncDispose (Node 20 and 22 in a vm context: vitest's vmThreads and
  // vmForks pools), `await using` as esbuild compiles it (tsx, vitest) looks under this key instead.
  if (typeof Symbol.asyncDispose !== 'symbol') Object.defineProperty(local, Symbol.for('Symbol.asyncDispose'), { value: stop });
  return local;
}
