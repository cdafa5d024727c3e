/** What `run` throws, or `undefined` when it returns (for asserting on a synchronous error). */
export function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
