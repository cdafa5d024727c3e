/**
 * Node's `diagnostics_channel` as the observe plug-in's channels: one channel
 * per event, `dbp:aws:<name>`, made at load; publishing is free when
 * nobody subscribes (the payload is not even built). A subscriber that throws
 * is re-thrown by Node on a later tick (it crashes the process): subscribers
 * must catch their own errors.
 *
 * @module
 */
import { channel } from 'node:diagnostics_channel';
import type { FactoryEventName } from '../../kernel/types.js';
import type { Channels } from './events.js';

/** Every event's name, once (the compiler checks the keys against `FactoryEventName`). */
export const EVENT_NAMES: readonly FactoryEventName[] = Object.keys({
  'client:create': true,
  'client:evict': true,
  'client:destroy': true,
  'credentials:resolve': true,
  'credentials:refresh': true,
  'body:abandoned': true,
} satisfies Record<FactoryEventName, true>) as FactoryEventName[];

/**
 * Made at load and held for good: Bun drops a channel nobody holds, and with
 * it a subscription made by name (`subscribe('dbp:aws:…', fn)`) before the
 * channel's first message, which then went to a new channel without it.
 */
const channels = new Map(EVENT_NAMES.map((name) => [name, channel(`dbp:aws:${name}`)]));

function channelOf(name: FactoryEventName): ReturnType<typeof channel> {
  return channels.get(name) as ReturnType<typeof channel>;
}

/** The `dbp:aws:*` channels. */
export const diagnosticsChannels: Channels = {
  hasSubscribers: (name) => channelOf(name).hasSubscribers,
  publish: (name, event) => channelOf(name).publish(event),
};
