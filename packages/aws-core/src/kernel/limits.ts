/**
 * The longest delay a timer can wait: Node (and browsers) turn anything
 * longer into 1 ms, so a millisecond option above it would fire at once,
 * over and over. Millisecond options that reach a timer are refused above it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/** Whether `value` is a number of milliseconds a timer can wait (0 included). */
export function isTimerMs(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS;
}
