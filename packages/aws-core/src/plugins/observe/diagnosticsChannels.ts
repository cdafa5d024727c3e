/**
 * Node's `diagnostics_channel` as the observe plug-in's channels: one channel
 * per event, `dbp:aws:<name>`, made on first use; publishing is free when
 * nobody subscribes (the payload is not even built). A subscriber that throws
 * is re-thrown by Node on a later tick (it crashes the process): subscribers
 * must catch their own errors.
 *
 * @module
 */
import { channel } from 'node:diagnostics_channel';
import type { FactoryEventName } from '../../kernel/types.js';
import type { Channels } from './events.js';

const channels = new Map<FactoryEventName, ReturnType<typeof channel>>();

function channelOf(name: FactoryEventName): ReturnType<typeof channel> {
  let found = channels.get(name);
  if (found === undefined) {
    found = channel(`dbp:aws:${name}`);
    channels.set(name, found);
  }
  return found;
}

/** The `dbp:aws:*` channels. */
export const diagnosticsChannels: Channels = {
  hasSubscribers: (name) => channelOf(name).hasSubscribers,
  publish: (name, event) => channelOf(name).publish(event),
};
