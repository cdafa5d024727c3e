/**
 * A Cloudflare Worker (module syntax) that runs the flows: POST the
 * {@link FlowInput} as JSON, get the {@link FlowResult} back.
 */
import { type FlowInput, runFlows } from './flows.js';

/** The module worker: `fetch` runs the flows for the POSTed input. */
export default {
  async fetch(request: Request): Promise<Response> {
    try {
      const input = (await request.json()) as FlowInput;
      return Response.json(await runFlows(input, 'hello from workerd'));
    } catch (error) {
      const failure = error as Error;
      return Response.json({ error: `${failure.name}: ${failure.message}`, stack: failure.stack }, { status: 500 });
    }
  },
};
