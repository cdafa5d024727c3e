/**
 * What a factory tells the outside world: log lines through its `logger`
 * and events to its `onEvent` listener (every runtime) and, where the
 * platform entry passes them, Node's `diagnostics_channel` channels
 * (`diagnosticsChannels.ts`). Only ids, names and counts; never a secret.
 *
 * @module
 */
import type { Plugins } from '../../kernel/setup.js';
import type { Channels } from './events.js';
import { Reporter } from './reporter.js';

/** The observe plug-in, publishing to `channels` too when given. */
export function observe(channels?: Channels): NonNullable<Plugins['observe']> {
  return (logger, onEvent, clients, countsInFlight) => new Reporter(logger, onEvent, clients, channels, countsInFlight);
}
