import { Miniflare } from 'miniflare';
import type { FlowInput } from './apps/flows.js';

/**
 * The compatibility date the worker runs with: the newest one the workerd
 * binary that ships with miniflare 3.20250718 supports.
 */
export const COMPATIBILITY_DATE = '2025-07-18';

/**
 * Runs a module worker in a real workerd (miniflare 3), POSTs `input` to it
 * as JSON and returns the status and parsed JSON response. No
 * `nodejs_compat`: the worker gets web APIs only.
 *
 * Outbound fetches to the testkit on 127.0.0.1 work because miniflare's
 * "internet" service allows `public` and `private` addresses
 * (https://github.com/cloudflare/miniflare/issues/412); bare workerd allows
 * only public ones unless its config's `network.allow` lists "private" or "local".
 */
export async function runInWorkerd(script: string, input: FlowInput): Promise<{ status: number; body: Record<string, unknown> }> {
  const miniflare = new Miniflare({ modules: true, script, compatibilityDate: COMPATIBILITY_DATE });
  try {
    const response = await miniflare.dispatchFetch('http://worker.local/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } finally {
    await miniflare.dispose();
  }
}
