/**
 * The @dbp/aws factory as OpenTelemetry metrics: its events (clients created,
 * removed, destroyed; credentials resolved and refreshed; bodies abandoned)
 * become counters, and `factory.stats()` (cache hits, clients, requests in
 * flight, sockets) becomes gauges read at each collection.
 *
 * Events arrive either way the factory publishes them: `onEvent` for one
 * factory (`createClientFactory({ onEvent: metrics.record })`, every runtime),
 * or Node's `diagnostics_channel` for every factory in the process, the
 * process-wide one included (`metrics.subscribe()`).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { AwsClientFactory, FactoryEvent, FactoryEventName } from '@dbp/aws-core';
import type { Attributes, BatchObservableResult, Meter } from '@opentelemetry/api';

/** Metrics for the @dbp/aws factory. */
export interface AwsMetrics {
  /** Records one factory event; pass it as `createClientFactory({ onEvent: metrics.record })`. */
  readonly record: (event: FactoryEvent) => void;
  /** Records the events of every factory in the process from `diagnostics_channel`; returns the unsubscribe. */
  subscribe(): () => void;
  /** Reads `factory.stats()` at each collection (gauges, and the cache's hit and miss counters); returns the stop. */
  observe(factory: AwsClientFactory): () => void;
}

/** The instrument names, in one place. */
export const METRIC_NAMES = {
  created: 'dbp.aws.client.created',
  removed: 'dbp.aws.client.removed',
  destroyed: 'dbp.aws.client.destroyed',
  resolutions: 'dbp.aws.credentials.resolutions',
  abandoned: 'dbp.aws.body.abandoned',
  clients: 'dbp.aws.clients',
  hits: 'dbp.aws.cache.hits',
  misses: 'dbp.aws.cache.misses',
  inFlight: 'dbp.aws.requests.in_flight',
  sockets: 'dbp.aws.sockets',
  queued: 'dbp.aws.requests.queued',
} as const;

/** What a client event says about the client, as attributes (never the credential id: unbounded, and nobody graphs it). */
function clientAttributes(event: FactoryEvent): Attributes {
  return { 'aws.service': event.service, 'aws.region': event.region ?? 'sdk', 'dbp.aws.tier': event.tier };
}

/**
 * Creates the instruments on `meter`.
 *
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 *
 * const aws = createAwsMetrics(metrics.getMeter('my-service'));
 * const factory = createClientFactory({ onEvent: aws.record });
 * aws.observe(factory);
 * ```
 */
export function createAwsMetrics(meter: Meter): AwsMetrics {
  const created = meter.createCounter(METRIC_NAMES.created, { description: 'SDK clients the factory created', unit: '{client}' });
  const removed = meter.createCounter(METRIC_NAMES.removed, {
    description: 'Clients removed from the cache (reason: evicted, expired, cleared, …)',
    unit: '{client}',
  });
  const destroyed = meter.createCounter(METRIC_NAMES.destroyed, { description: 'Removed clients destroyed once drained', unit: '{client}' });
  const resolutions = meter.createCounter(METRIC_NAMES.resolutions, { description: 'Credential resolutions, first and refresh', unit: '{resolution}' });
  const abandoned = meter.createCounter(METRIC_NAMES.abandoned, {
    description: 'Response bodies neither read nor destroyed for abandonedBodyMs',
    unit: '{body}',
  });

  // One handler per event name: the compiler checks every FactoryEventName has one, and subscribe() derives the channels from it.
  const handlers: Record<FactoryEventName, (event: FactoryEvent) => void> = {
    'client:create': (event) => created.add(1, { ...clientAttributes(event), 'dbp.aws.credential_kind': event.credentialKind }),
    'client:evict': (event) => removed.add(1, { ...clientAttributes(event), 'dbp.aws.reason': event.reason }),
    'client:destroy': (event) => destroyed.add(1, { ...clientAttributes(event), 'dbp.aws.reason': event.reason }),
    'credentials:resolve': (event) =>
      resolutions.add(1, { 'dbp.aws.credential_kind': event.credentialKind, 'dbp.aws.refresh': false, 'dbp.aws.outcome': event.reason }),
    'credentials:refresh': (event) =>
      resolutions.add(1, { 'dbp.aws.credential_kind': event.credentialKind, 'dbp.aws.refresh': true, 'dbp.aws.outcome': event.reason }),
    'body:abandoned': (event) => abandoned.add(event.count ?? 1, { ...clientAttributes(event), 'aws.operation': event.reason }),
  };
  const names = Object.keys(handlers) as FactoryEventName[];
  const record = (event: FactoryEvent): void => handlers[event.name.slice('dbp:aws:'.length) as FactoryEventName]?.(event);

  return {
    record,
    subscribe() {
      const listener = (message: unknown): void => record(message as FactoryEvent);
      for (const name of names) diagnosticsChannel.subscribe(`dbp:aws:${name}`, listener);
      return () => {
        for (const name of names) diagnosticsChannel.unsubscribe(`dbp:aws:${name}`, listener);
      };
    },
    observe(factory) {
      const clients = meter.createObservableGauge(METRIC_NAMES.clients, { description: 'Clients in the cache', unit: '{client}' });
      const hits = meter.createObservableCounter(METRIC_NAMES.hits, { description: 'getClient calls answered from the cache', unit: '{call}' });
      const misses = meter.createObservableCounter(METRIC_NAMES.misses, { description: 'getClient calls that created a client', unit: '{call}' });
      const inFlight = meter.createObservableGauge(METRIC_NAMES.inFlight, {
        description: 'Requests running, streaming bodies included, per client',
        unit: '{request}',
      });
      const sockets = meter.createObservableGauge(METRIC_NAMES.sockets, {
        description: 'Open sockets per client, by state (in_use, idle); Node HTTP/1.1 and pooled HTTP/2 only',
        unit: '{socket}',
      });
      const queued = meter.createObservableGauge(METRIC_NAMES.queued, { description: 'Requests waiting for a socket (the pool is full)', unit: '{request}' });
      const callback = (result: BatchObservableResult): void => {
        if (factory.disposed) return;
        const stats = factory.stats();
        result.observe(clients, stats.clients);
        result.observe(hits, stats.hits);
        result.observe(misses, stats.misses);
        for (const entry of stats.entries) {
          const attributes: Attributes = { 'aws.service': entry.service, 'aws.region': entry.region ?? 'sdk', 'dbp.aws.tier': entry.tier };
          // Absent where the runtime or the handler gives no numbers: nothing is observed rather than a false zero.
          if (entry.inFlight !== undefined) result.observe(inFlight, entry.inFlight, attributes);
          if (entry.sockets === undefined) continue;
          const protocol = { ...attributes, 'network.protocol.name': entry.sockets.protocol };
          result.observe(sockets, entry.sockets.open - entry.sockets.idle, { ...protocol, 'dbp.aws.socket_state': 'in_use' });
          result.observe(sockets, entry.sockets.idle, { ...protocol, 'dbp.aws.socket_state': 'idle' });
          result.observe(queued, entry.sockets.queued, protocol);
        }
      };
      const observables = [clients, hits, misses, inFlight, sockets, queued];
      meter.addBatchObservableCallback(callback, observables);
      return () => meter.removeBatchObservableCallback(callback, observables);
    },
  };
}
