/**
 * Abandoned response bodies: a body neither read nor destroyed for
 * `abandonedBodyMs` pins its socket, and once the pool is exhausted every
 * request on the client waits (aws-sdk-js-v3#6691). One unref'd timer per
 * factory runs while bodies are tracked (never on the cache-hit path); a body
 * that flows or is read counts as progressing, so one read slowly but
 * steadily is never reported. A body destroyed here fails its reader, and
 * every later read, with `BODY_ABANDONED` (never an empty or endless read).
 *
 * @module
 */

import type { CacheEntry, TrackedBody } from '../../kernel/clientCache.js';
import { fail } from '../../kernel/errors.js';
import type { AbandonedBodyAction } from '../../kernel/types.js';

/** Told of bodies newly found abandoned on one client. */
export type AbandonedReport = (entry: CacheEntry, found: readonly TrackedBody[], destroyed: boolean) => void;

/** Watches the bodies of one factory. */
export class AbandonedBodies {
  readonly #bodies = new Set<TrackedBody>();
  readonly #afterMs: number;
  readonly #action: AbandonedBodyAction;
  readonly #report: AbandonedReport;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(afterMs: number, action: AbandonedBodyAction, report: AbandonedReport) {
    this.#afterMs = afterMs;
    this.#action = action;
    this.#report = report;
  }

  /** Starts watching a body (nothing when `abandonedBodyMs` is 0). */
  add(body: TrackedBody): void {
    if (this.#afterMs === 0) return;
    this.#bodies.add(body);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.check(Date.now()), Math.max(10, Math.floor(this.#afterMs / 2)));
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** Stops watching a body (it ended or was destroyed). */
  delete(body: TrackedBody): void {
    this.#bodies.delete(body);
    if (this.#bodies.size === 0) this.stop();
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One round: notes progress, finds bodies idle for `abandonedBodyMs`, reports them per client. */
  check(now: number): void {
    const found = new Map<CacheEntry, TrackedBody[]>();
    for (const body of this.#bodies) {
      const progress = body.progress();
      if (progress !== body.lastProgress) {
        body.lastProgress = progress;
        body.lastProgressAt = now;
        continue;
      }
      if (body.abandoned || now - body.lastProgressAt < this.#afterMs) continue;
      body.abandoned = true;
      found.set(body.entry, [...(found.get(body.entry) ?? []), body]);
    }
    const destroy = this.#action === 'destroy';
    for (const [entry, bodies] of found) {
      this.#report(entry, bodies, destroy);
      if (!destroy) continue;
      const region = entry.region ?? 'from the SDK';
      for (const body of bodies) body.destroy(fail('BODY_ABANDONED', { service: entry.service, operation: body.operation, region, ms: this.#afterMs }));
    }
  }
}
