import type { Fault, FaultInjector, FaultMatch, LocalServiceName, RequestLog, RequestLogEntry, RequestLogFilter } from '../types.js';

/**
 * An operation name a filter gives, checked: AWS names operations in
 * PascalCase (`GetObject`), and a filter that names one otherwise
 * (`getObject`) would match nothing, so a test would pass for nothing.
 */
export function checkOperation(value: unknown, where: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(value)) {
    throw new TypeError(
      `${where} must be an operation name as AWS spells it, such as 'GetObject' or 'PutItem', got ${typeof value === 'string' ? `'${value}'` : String(value)}`,
    );
  }
}

/** Refuses a service this instance did not start, for the request log and the faults alike. */
function checkStarted(started: ReadonlySet<LocalServiceName>, service: LocalServiceName, where: string): void {
  if (!started.has(service)) throw new Error(`${where}: the service '${service}' was not started`);
}

/** The request log behind `LocalAws.requests`. */
export class RequestLogImpl implements RequestLog {
  private log: RequestLogEntry[] = [];

  /**
   * `known`: the service names there are; `started`: those this instance runs. A filter naming
   * another (`'s4'`, or one not started) is refused, not counted as 0.
   */
  constructor(
    private readonly known: readonly LocalServiceName[],
    private readonly started: ReadonlySet<LocalServiceName>,
  ) {}

  add(entry: RequestLogEntry): void {
    this.log.push(Object.freeze(entry));
  }

  private checkService(service: unknown, where: string): void {
    if (service === undefined) return;
    if (typeof service !== 'string')
      throw new TypeError(`${where}(service, filter): the service comes first, as a name such as 's3', got ${service === null ? 'null' : typeof service}`);
    if (!this.known.includes(service as LocalServiceName))
      throw new TypeError(`${where}: unknown service '${service}'; expected one of ${this.known.join(', ')}`);
    checkStarted(this.started, service as LocalServiceName, where);
  }

  count(service?: LocalServiceName, filter?: RequestLogFilter | null): number {
    this.checkService(service, 'requests.count');
    filter ??= {};
    checkOperation(filter.operation, 'requests.count: filter.operation');
    let n = 0;
    for (const e of this.log) {
      if (service !== undefined && e.service !== service) continue;
      if (filter.operation !== undefined && e.operation !== filter.operation) continue;
      if (filter.status !== undefined && e.status !== filter.status) continue;
      if (filter.accessKeyId !== undefined && e.accessKeyId !== filter.accessKeyId) continue;
      n++;
    }
    return n;
  }

  entries(service?: LocalServiceName): ReadonlyArray<RequestLogEntry> {
    this.checkService(service, 'requests.entries');
    return Object.freeze(service === undefined ? [...this.log] : this.log.filter((e) => e.service === service));
  }

  reset(): void {
    this.log = [];
  }
}

/** The `x-amz-retry-after` of a throttle fault that names none, in milliseconds. */
export const DEFAULT_RETRY_AFTER_MS = 100;

interface PendingFault {
  readonly fault: Fault;
  readonly operation: string | undefined;
  readonly accessKeyId: string | undefined;
  remaining: number;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
}

/** The fault queue behind `LocalAws.faults`. */
export class FaultInjectorImpl implements FaultInjector {
  private readonly queues = new Map<LocalServiceName, PendingFault[]>();

  constructor(private readonly services: ReadonlySet<LocalServiceName>) {}

  inject(service: LocalServiceName, fault: Fault, match: FaultMatch = {}): void {
    checkStarted(this.services, service, 'faults.inject');
    const remaining = fault.count === undefined ? 1 : positiveInteger(fault.count, 'fault.count');
    switch (fault.kind) {
      case 'status':
        if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599)
          throw new TypeError(`fault.status must be an HTTP status 200-599, got ${fault.status}`);
        break;
      case 'slow-body':
        if (typeof fault.chunkDelayMs !== 'number' || !(fault.chunkDelayMs >= 0)) throw new TypeError('fault.chunkDelayMs must be a number >= 0');
        if (fault.chunks !== undefined) positiveInteger(fault.chunks, 'fault.chunks');
        break;
      case 'throttle':
        if (
          fault.retryAfterMs !== undefined &&
          fault.retryAfterMs !== false &&
          (typeof fault.retryAfterMs !== 'number' || !Number.isInteger(fault.retryAfterMs) || fault.retryAfterMs < 0)
        ) {
          throw new TypeError(`fault.retryAfterMs must be an integer >= 0 (milliseconds) or false, got ${String(fault.retryAfterMs)}`);
        }
        break;
      case 'reset':
      case 'stall-after-headers':
        break;
      default:
        throw new TypeError(`unknown fault kind '${(fault as { kind: unknown }).kind}'`);
    }
    checkOperation(match.operation, 'match.operation');
    if (match.accessKeyId !== undefined && (typeof match.accessKeyId !== 'string' || match.accessKeyId === ''))
      throw new TypeError(`match.accessKeyId must be a non-empty string, got ${String(match.accessKeyId)}`);
    const queue = this.queues.get(service) ?? [];
    queue.push({ fault: { ...fault }, operation: match.operation, accessKeyId: match.accessKeyId, remaining });
    this.queues.set(service, queue);
  }

  clear(service?: LocalServiceName): void {
    if (service === undefined) this.queues.clear();
    else this.queues.delete(service);
  }

  pending(service?: LocalServiceName): number {
    let n = 0;
    for (const [name, queue] of this.queues) {
      if (service !== undefined && name !== service) continue;
      for (const p of queue) n += p.remaining;
    }
    return n;
  }

  /** Takes the first fault that applies to this request, if any. */
  take(service: LocalServiceName, operation: string, accessKeyId: string | undefined): Fault | undefined {
    const queue = this.queues.get(service);
    if (!queue) return undefined;
    const index = queue.findIndex(
      (p) => (p.operation === undefined || p.operation === operation) && (p.accessKeyId === undefined || p.accessKeyId === accessKeyId),
    );
    if (index < 0) return undefined;
    const pending = queue[index]!;
    pending.remaining--;
    if (pending.remaining <= 0) queue.splice(index, 1);
    return pending.fault;
  }
}
