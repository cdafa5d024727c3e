import { EdgeVM } from '@edge-runtime/vm';
import type { FlowInput, FlowResult } from './apps/flows.js';

/** What the edge runtime's global scope offers, as seen from inside it. */
export interface EdgeGlobals {
  /** `typeof DOMParser`. */
  readonly DOMParser: string;
  /** `typeof fetch`. */
  readonly fetch: string;
  /** `typeof process` (Node's; absent on the edge). */
  readonly process: string;
  /** `typeof require`. */
  readonly require: string;
  /** The `EdgeRuntime` marker Vercel code checks for. */
  readonly EdgeRuntime: string;
}

/**
 * Evaluates an IIFE bundle in Vercel's edge runtime VM (`@edge-runtime/vm`),
 * then calls the `runEdgeFlows(input)` it defines.
 */
export async function runInEdgeRuntime(script: string, input: FlowInput): Promise<{ globals: EdgeGlobals; result: FlowResult }> {
  const vm = new EdgeVM();
  const globals = vm.evaluate<EdgeGlobals>(
    '({ DOMParser: typeof DOMParser, fetch: typeof fetch, process: typeof process, require: typeof require, EdgeRuntime: typeof EdgeRuntime === "string" ? EdgeRuntime : "missing" })',
  );
  vm.evaluate(script);
  // Values from the VM's realm: copy through JSON so assertions compare plain objects.
  const result = await vm.evaluate<Promise<string>>(`runEdgeFlows(${JSON.stringify(input)}).then((result) => JSON.stringify(result))`);
  return { globals: { ...globals }, result: JSON.parse(result) as FlowResult };
}

/**
 * Whether a `fetch` inside the edge runtime VM can send an explicit
 * `content-length` header (the SDK's fetch handler sets one on every request
 * with a body), tried against a throwaway local server: `'ok'`, or the
 * error's cause.
 *
 * It cannot on Node 24 and later: @edge-runtime/primitives 6.0.0 (the latest,
 * with @edge-runtime/vm 5.0.0) dispatches its fetch through the process-wide
 * undici dispatcher (`Symbol.for('undici.globalDispatcher.1')`), where
 * Node 24 installs its own undici 7 Agent at start-up (not replaceable), and
 * that Agent rejects the header list the primitives hand it:
 * `InvalidArgumentError: invalid content-length header`. Node 20 and 22 are
 * not affected. The edge runtime Vercel deploys to is not Node at all.
 */
export async function edgeFetchWithContentLength(): Promise<string> {
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  try {
    const vm = new EdgeVM();
    return await vm.evaluate<Promise<string>>(
      `fetch('http://127.0.0.1:${port}/', { method: 'PUT', body: 'hello', headers: { 'content-length': '5' } }).then((r) => r.text(), (e) => String((e.cause && e.cause.message) || e.message))`,
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
