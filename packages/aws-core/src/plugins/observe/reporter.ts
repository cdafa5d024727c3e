/**
 * What the factory tells the outside world: log lines (through its logger)
 * and events (see `events.ts`), from the facts of its lifecycle. Only ids,
 * names and counts; never a secret.
 *
 * @module
 */
import type { CacheEntry, RemovalReason } from '../../kernel/clientCache.js';
import type { ResolutionReport } from '../../kernel/credentials.js';
import { say } from '../../kernel/errors.js';
import { dropsLines } from '../../kernel/factoryOptions.js';
import type { CredentialKind } from '../../kernel/keySpec.js';
import type { ProviderTrapTripped, Report } from '../../kernel/setup.js';
import { errorName } from '../../kernel/text.js';
import type { EventFields, FactoryEvent, Logger } from '../../kernel/types.js';
import { type Channels, Events } from './events.js';

function describe(entry: CacheEntry): EventFields {
  return { service: entry.service, region: entry.region, tier: entry.tier, credentialId: entry.credentialId };
}

/** Turns lifecycle facts into log lines and events. */
export class Reporter implements Report {
  readonly #logger: Logger;
  readonly #events: Events;
  readonly #clients: () => number;
  /** Whether debug lines go anywhere (see `dropsLines`): they are built only then. */
  readonly #debug: boolean;
  /** Whether requests in flight are counted (the lifecycle plug-in: not on the web, where lines and events leave the count out). */
  readonly #countsInFlight: boolean;

  constructor(
    logger: Logger,
    onEvent: ((event: FactoryEvent) => void) | undefined,
    clients: () => number,
    channels: Channels | undefined,
    countsInFlight: boolean,
  ) {
    this.#logger = logger;
    this.#countsInFlight = countsInFlight;
    this.#debug = !dropsLines(logger.debug);
    this.#clients = clients;
    this.#events = new Events(onEvent, channels, (error) => this.#log('error', say('LOG.listenerThrew', { reason: errorName(error) })));
  }

  /**
   * A logger that throws must not break getClient, clearCache or dispose (nor
   * leave a client half removed): the line is lost, nothing else.
   */
  #log(level: 'debug' | 'warn' | 'error', line: string): void {
    try {
      this.#logger[level](line);
    } catch {
      // Nowhere left to report it.
    }
  }

  created(entry: CacheEntry): void {
    if (this.#debug) this.#log('debug', say('LOG.created', { ...describe(entry), region: entry.region ?? 'from the SDK' }));
    this.#events.emit('client:create', () => ({ ...describe(entry), credentialKind: entry.credentialKind, clients: this.#clients() }));
  }

  removed(entry: CacheEntry, reason: RemovalReason): void {
    const inFlight = this.#countsInFlight ? entry.inFlight : undefined;
    if (this.#debug) this.#log('debug', say('LOG.removed', { ...describe(entry), region: entry.region ?? 'from the SDK', reason, inFlight }));
    this.#events.emit('client:evict', () => ({ ...describe(entry), reason, ...(inFlight !== undefined && { count: inFlight }), clients: this.#clients() }));
  }

  destroyed(entry: CacheEntry, reason: RemovalReason): void {
    this.#events.emit('client:destroy', () => ({ ...describe(entry), reason, clients: this.#clients() }));
  }

  destroyFailed(entry: CacheEntry, error: unknown): void {
    this.#log('error', say('LOG.destroyFailed', { service: entry.service, reason: errorName(error) }));
  }

  /** Bodies newly found abandoned on one client: an event each time, a log line once per client. */
  abandoned(entry: CacheEntry, found: readonly { readonly operation: string }[], destroyed: boolean, afterMs: number): void {
    const operations = [...new Set(found.map((body) => body.operation))].join(', ');
    this.#events.emit('body:abandoned', () => ({ ...describe(entry), reason: operations, count: found.length }));
    if (entry.abandonedReported) return;
    entry.abandonedReported = true;
    const count = [...entry.bodies].filter((body) => body.abandoned).length;
    const details = { ...describe(entry), region: entry.region ?? 'from the SDK', count, operations, seconds: afterMs / 1000, destroyed };
    this.#log('warn', say('LOG.abandoned', details));
  }

  /** A credential resolution (first, or a refresh); a background refresh that failed is a warning. */
  credentials(credentialId: string, credentialKind: CredentialKind, { refresh, ok, expiresAt, reason, background, rejected }: ResolutionReport): void {
    // A refresh forced by a service's rejection says so: `rejected:ExpiredToken` (or, failed, the provider's error).
    const why = ok ? (rejected === undefined ? 'ok' : `rejected:${rejected}`) : reason;
    this.#events.emit(refresh ? 'credentials:refresh' : 'credentials:resolve', () => ({ credentialId, credentialKind, reason: why, expiresAt }));
    if (background) this.#log('warn', say('LOG.refreshFailed', { credentialId, reason }));
  }

  /** A service tripped the per-call provider threshold (`plugins/dev/providerTrap.ts`). */
  providerPerCall(service: string, tripped: ProviderTrapTripped): void {
    this.#log('warn', say('LOG.providerPerCall', { service, ...tripped }));
  }

  /** A well-formed region the SDK does not list yet, used as given. */
  newRegion(region: string): void {
    this.#log('warn', say('LOG.newRegion', { region }));
  }
}
