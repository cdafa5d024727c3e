/**
 * The SDK configuration a client is built with, and where a tier is mapped to
 * `requestHandler` options: the tier's attempts and retry mode, the tier's
 * timeouts as this runtime's handler options (shaped by the service where it
 * needs it, such as Bedrock Runtime's HTTP/2 handler), the caller's config
 * snapshot over both, and the session's region, profile and memoised
 * credentials. Also records what in that configuration belongs to the caller
 * (a handler instance, agents), which the factory must never destroy.
 *
 * @module
 */
import { isPlainRecord } from './configSnapshot.js';
import { describeType, fail } from './errors.js';
import type { RegionSource } from './regions.js';
import { clip, isPromiseLike } from './text.js';
import type { AwsSession, RuntimeFlavor, SdkClientLike, ServiceDefinition, TierConfig } from './types.js';

/** How the platform maps a tier to `requestHandler` options, which platform it is, and its region lookup (see `Platform`). */
export interface HandlerPlatform {
  readonly flavor: RuntimeFlavor;
  handlerOptions(tier: TierConfig): Record<string, unknown>;
  sdkRegion(profile: string | undefined, check: (region: string, source: RegionSource) => string): (() => Promise<string>) | undefined;
}

/** What in a client's configuration the caller owns. */
export interface Ownership {
  /** The caller passed a `requestHandler` instance: it is theirs, whole. */
  readonly handler: boolean;
  /**
   * Agents (`httpAgent`, `httpsAgent`) the caller passed in `requestHandler`
   * options; for an options provider function, filled in as the SDK resolves it.
   */
  readonly agents: object[];
}

/** The `requestHandler` options a tier gives a service on this runtime. */
export function tierHandlerOptions(definition: ServiceDefinition, tier: TierConfig, platform: HandlerPlatform): Record<string, unknown> {
  const defaults = platform.handlerOptions(tier);
  return definition.handlerOptions ? definition.handlerOptions({ runtime: platform.flavor, tier, defaults }) : defaults;
}

/** The agent instances in `requestHandler` options (not plain option objects for one). */
function agentsIn(options: Record<string, unknown>): object[] {
  return [options.httpAgent, options.httpsAgent].filter((agent): agent is object => typeof agent === 'object' && agent !== null && !isPlainRecord(agent));
}

/** What the caller owns in a config snapshot. */
export function ownershipOf(snapshot: Record<string, unknown> | undefined): Ownership {
  const handler = snapshot?.requestHandler;
  if (handler === undefined || handler === null) return NOTHING;
  // An options provider: the SDK builds the handler (the factory's), from
  // options that may hold the caller's agents (learnt when it resolves).
  if (typeof handler === 'function') return { handler: false, agents: [] };
  if (!isPlainRecord(handler)) return { handler: true, agents: [] };
  const agents = agentsIn(handler);
  return agents.length === 0 ? NOTHING : { handler: false, agents };
}

const NOTHING: Ownership = Object.freeze({ handler: false, agents: Object.freeze([]) as unknown as object[] });

/**
 * `requestHandler` options: the tier's, with the caller's over them. A
 * provider function is wrapped so that its options get the same merge and the
 * agents it hands over are recorded as the caller's.
 */
function handlerConfig(tierOptions: Record<string, unknown>, userHandler: unknown, ownership: Ownership): unknown {
  if (userHandler === undefined) return tierOptions;
  if (isPlainRecord(userHandler)) return { ...tierOptions, ...userHandler };
  if (typeof userHandler !== 'function') return userHandler;
  return async () => {
    const options: unknown = await (userHandler as () => unknown)();
    if (!isPlainRecord(options)) return options;
    for (const agent of agentsIn(options)) if (!ownership.agents.includes(agent)) ownership.agents.push(agent);
    return { ...tierOptions, ...options };
  };
}

/**
 * Builds the client: the tier, then the caller's snapshot (config wins; a
 * plain-object `requestHandler`, or what an options provider function
 * resolves to, is merged over the tier's options; a handler instance
 * replaces them), then the session. Constructor failures become
 * `INVALID_CONFIG` with the cause. `checkRegion` validates a region the
 * platform's own lookup finds for a session that has none.
 */
export function createClient(
  definition: ServiceDefinition,
  tier: TierConfig,
  session: AwsSession,
  snapshot: Record<string, unknown> | undefined,
  ownership: Ownership,
  platform: HandlerPlatform,
  checkRegion: (region: string, source: RegionSource) => string,
): SdkClientLike {
  const user = snapshot ?? {};
  const requestHandler = handlerConfig(tierHandlerOptions(definition, tier, platform), user.requestHandler, ownership);
  const config: Record<string, unknown> = {
    maxAttempts: tier.maxAttempts,
    retryMode: tier.retryMode,
    ...user,
    requestHandler,
    credentials: session.credentials,
  };
  if (session.region !== undefined) config.region = session.region;
  else {
    const lookup = platform.sdkRegion(session.profile, checkRegion);
    if (lookup !== undefined) config.region = lookup;
  }
  if (session.profile !== undefined) config.profile = session.profile;
  let client: unknown;
  try {
    client = (definition.create as (config: Record<string, unknown>) => unknown)(config);
  } catch (error) {
    throw fail(
      'INVALID_CONFIG.create',
      { service: definition.id, reason: error instanceof Error ? clip(error.message, 200) : 'unknown error' },
      { cause: error },
    );
  }
  // What the factory uses of a client from the first moment (an async create gives a promise of one).
  const made = client as { destroy?: unknown } | null;
  if ((typeof made !== 'object' && typeof made !== 'function') || made === null || typeof made.destroy !== 'function') {
    const promised = isPromiseLike(made);
    // The client it promises is never used: destroyed when it comes (quietly), and a rejection is not left unhandled.
    if (promised) {
      made.then(
        (late) => {
          try {
            (late as { destroy?: () => void } | undefined)?.destroy?.();
          } catch {}
        },
        () => {},
      );
    }
    throw fail('INVALID_SERVICE_DEFINITION', { field: 'created', got: promised ? 'a Promise' : describeType(made) });
  }
  return client as SdkClientLike;
}
