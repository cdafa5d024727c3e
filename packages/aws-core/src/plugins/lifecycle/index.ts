/**
 * The lifecycle plug-in (Node, Bun, Deno): requests are counted in flight
 * from `send()` to the end of their response body; a removed client drains
 * before it is destroyed, so clearing and eviction never fail a running
 * request; `dispose()` waits at most `disposeGraceMs`; response bodies nobody
 * reads are reported (and destroyed with `onAbandonedBody: 'destroy'`); and
 * `stats()` shows in-flight requests, open bodies and sockets. Browsers and
 * workers do without it: there a client's `destroy()` never touches a running
 * request (see the kernel's `destroyAtOnce`).
 *
 * @module
 */
import type { Lifecycle, LifecycleContext } from '../../kernel/setup.js';
import { AbandonedBodies } from './abandonedBodies.js';
import { Drain } from './drain.js';

/** Installs in-flight tracking, drain, dispose grace, abandoned bodies and sockets in stats for one factory. */
export function lifecycle({ report, abandonedBodyMs, onAbandonedBody }: LifecycleContext): Lifecycle {
  const bodies = new AbandonedBodies(abandonedBodyMs, onAbandonedBody, (entry, found, destroyed) => report.abandoned(entry, found, destroyed, abandonedBodyMs));
  return new Drain(report, bodies);
}
