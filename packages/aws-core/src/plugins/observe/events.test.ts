import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventFields, FactoryEvent } from '../../kernel/types.js';
import { diagnosticsChannels, EVENT_NAMES } from './diagnosticsChannels.js';
import { Events } from './events.js';

const unsubscribe: Array<() => void> = [];
afterEach(() => {
  for (const stop of unsubscribe.splice(0)) stop();
});

function counted(): { fields: () => EventFields; calls: () => number } {
  let calls = 0;
  return {
    fields: () => {
      calls++;
      return { service: 's3', count: 1 };
    },
    calls: () => calls,
  };
}

describe(Events.name, () => {
  it('builds and publishes nothing when nobody listens', () => {
    const events = new Events(undefined, diagnosticsChannels, () => {});
    const { fields, calls } = counted();
    for (const name of EVENT_NAMES) events.emit(name, fields);
    expect(calls()).toBe(0);
  });

  it('builds each event once, for a diagnostics_channel subscriber and onEvent alike', () => {
    const received: FactoryEvent[] = [];
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe('dbp:aws:client:evict', listener);
    unsubscribe.push(() => diagnosticsChannel.unsubscribe('dbp:aws:client:evict', listener));
    const events = new Events(
      (event) => received.push(event),
      diagnosticsChannels,
      () => {},
    );
    const { fields, calls } = counted();
    events.emit('client:evict', fields);
    expect(calls()).toBe(1);
    expect(received).toEqual([{ name: 'dbp:aws:client:evict', at: expect.any(Number), service: 's3', count: 1 }]);
    expect(published).toEqual(received);
    expect(published[0]).toBe(received[0]);
    expect(Object.isFrozen(received[0])).toBe(true);
  });

  it('with only a channel subscriber, builds the event for that channel only', () => {
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    diagnosticsChannel.subscribe('dbp:aws:body:abandoned', listener);
    unsubscribe.push(() => diagnosticsChannel.unsubscribe('dbp:aws:body:abandoned', listener));
    const events = new Events(undefined, diagnosticsChannels, () => {});
    const { fields, calls } = counted();
    for (const name of EVENT_NAMES) events.emit(name, fields);
    expect(calls()).toBe(1);
    expect(published).toMatchObject([{ name: 'dbp:aws:body:abandoned' }]);
  });

  it('hands an async onEvent listener’s rejection to onError, never leaving it unhandled (which ends a Node process)', async () => {
    const errors: unknown[] = [];
    const rejection = new Error('sink down');
    const events = new Events(
      async () => {
        throw rejection;
      },
      diagnosticsChannels,
      (error) => errors.push(error),
    );
    events.emit('client:create', () => ({ service: 's3' }));
    // A thenable that is not a Promise, rejecting: the same.
    const thenable = new Events(
      // biome-ignore lint/suspicious/noThenProperty: a thenable listener result is what this case is about
      (() => ({ then: (_: unknown, reject: (error: unknown) => void) => reject(rejection) })) as never,
      undefined,
      (error) => errors.push(error),
    );
    thenable.emit('client:create', () => ({ service: 's3' }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors).toEqual([rejection, rejection]);
  });

  it('hands a throwing onEvent listener’s error to onError, and goes on', () => {
    const errors: unknown[] = [];
    const events = new Events(
      () => {
        throw new TypeError('listener bug');
      },
      diagnosticsChannels,
      (error) => errors.push(error),
    );
    expect(() => events.emit('client:create', () => ({}))).not.toThrow();
    expect(errors).toMatchObject([{ name: 'TypeError' }]);
  });
});
