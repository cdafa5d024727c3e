/**
 * The flows as an edge function: the bundle (built with the `edge-light`
 * condition) exposes `runEdgeFlows(input)` on the global scope of the edge
 * runtime's VM, which the test calls.
 */
import { type FlowInput, type FlowResult, runFlows } from './flows.js';

(globalThis as { runEdgeFlows?: (input: FlowInput) => Promise<FlowResult> }).runEdgeFlows = (input) => runFlows(input, 'hello from the edge runtime');
