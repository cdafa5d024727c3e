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
