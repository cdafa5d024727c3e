import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { type CacheEntry, factoryAgents } from '../../kernel/clientCache.js';
import { dropQueuedRequests, socketStats } from './sockets.js';

// Where no wire matters: a request as Node's agent queues it, stood in for by an EventEmitter.
// (internal/e2e/src/dispose.test.ts drops real ones, against the testkit.)

class QueuedRequest extends EventEmitter {
  destroyedWith: Error | undefined;
  handed: Socket | undefined;
  destroy(error: Error): void {
    this.destroyedWith = error;
  }
  onSocket(socket: Socket): void {
    this.handed = socket;
  }
}

/** An agent whose queue for one origin holds `queue`. */
function agentWithQueue(queue: QueuedRequest[]): { agent: object; requests: Record<string, QueuedRequest[]> } {
  const requests: Record<string, QueuedRequest[]> = { '127.0.0.1:4566:': queue };
  return { agent: { requests }, requests };
}

describe('dropQueuedRequests', () => {
  // Review 11: instrumentation's 'socket' listener reading the address of the socket it is handed
  // threw on the placeholder; dispose() rejected with that TypeError, the other queued requests were
  // left half-ended, and the SDK's connect timer (cleared by its own 'socket' listener) held the process.
  it('ends every queued request, hands each listener the placeholder even when one throws, and deletes the queue', () => {
    const queue = [new QueuedRequest(), new QueuedRequest()];
    const seen: boolean[] = [];
    for (const request of queue) {
      request.on('socket', (socket: Socket) => {
        (socket.remoteAddress as string).toLowerCase();
      });
      request.on('socket', (socket: Socket) => seen.push(socket.connecting));
    }
    const { agent, requests } = agentWithQueue(queue);
    const error = new Error('disposed');

    expect(() => dropQueuedRequests([agent], error, Socket)).not.toThrow();

    expect(requests).toEqual({});
    expect(seen).toEqual([false, false]);
    for (const request of queue) {
      expect(request.destroyedWith).toBe(error);
      expect(request.handed?.destroyed).toBe(true);
    }
  });

  // Whose queues are dropped: the agents the factory made (`factoryAgents`, which `release()` destroys too).
  it('is given only the agents the factory made: never one the caller passed, none of a handler the caller passed', () => {
    const ours = agentWithQueue([new QueuedRequest()]);
    const callers = agentWithQueue([new QueuedRequest()]);
    const entry = (handler: boolean, agents: object[]) =>
      ({
        ownership: { handler, agents },
        client: { config: { requestHandler: { config: { httpAgent: ours.agent, httpsAgent: callers.agent } } } },
      }) as unknown as CacheEntry;
    expect(factoryAgents(entry(false, [callers.agent]))).toEqual([ours.agent]);
    expect(factoryAgents(entry(true, []))).toEqual([]);

    dropQueuedRequests(factoryAgents(entry(false, [callers.agent])), new Error('disposed'), Socket);
    expect(ours.requests).toEqual({});
    expect(callers.requests['127.0.0.1:4566:']).toHaveLength(1);
  });

  // Review 15: of an agent the caller passed (shared with others), only this client's requests go,
  // which dispose() aborted (destroyed); another's waiting request stays queued, untouched.
  it("with `only`, drops just the requests it picks from the caller's agents and keeps the rest queued", () => {
    const ours = Object.assign(new QueuedRequest(), { destroyed: true });
    const theirs = new QueuedRequest();
    const { agent, requests } = agentWithQueue([ours, theirs]);
    dropQueuedRequests([agent], new Error('disposed'), Socket, (request) => (request as { destroyed?: boolean }).destroyed === true);
    expect(requests['127.0.0.1:4566:']).toEqual([theirs]);
    expect(ours.handed?.destroyed).toBe(true);
    expect(theirs.destroyedWith).toBeUndefined();
  });
});

describe('socketStats', () => {
  // Review 15: Node leaves a destroyed (aborted) request in the agent's queue until a socket frees; it waits for nothing.
  it('counts as queued only the requests still waiting, not those destroyed in the queue', () => {
    const { agent } = agentWithQueue([Object.assign(new QueuedRequest(), { destroyed: true }), new QueuedRequest()]);
    const client = { config: { requestHandler: { configProvider: Promise.resolve({}), config: { httpAgent: agent } } } };
    expect(socketStats(client)).toMatchObject({ queued: 1 });
  });
});
