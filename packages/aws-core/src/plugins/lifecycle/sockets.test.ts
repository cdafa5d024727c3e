import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dropQueuedRequests } from './sockets.js';

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

function clientWithQueue(queue: QueuedRequest[]): { client: object; requests: Record<string, QueuedRequest[]> } {
  const requests: Record<string, QueuedRequest[]> = { '127.0.0.1:4566:': queue };
  // NodeHttpHandler once a request has resolved its options: `configProvider`, and `config` with its agents.
  return { client: { config: { requestHandler: { configProvider: Promise.resolve(), config: { httpAgent: { requests } } } } }, requests };
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
    const { client, requests } = clientWithQueue(queue);
    const error = new Error('disposed');

    expect(() => dropQueuedRequests(client, () => true, error, Socket)).not.toThrow();

    expect(requests).toEqual({});
    expect(seen).toEqual([false, false]);
    for (const request of queue) {
      expect(request.destroyedWith).toBe(error);
      expect(request.handed?.destroyed).toBe(true);
    }
  });

  it('leaves an agent the caller owns as it is', () => {
    const queue = [new QueuedRequest()];
    const { client, requests } = clientWithQueue(queue);
    dropQueuedRequests(client, () => false, new Error('disposed'), Socket);
    expect(requests['127.0.0.1:4566:']).toEqual(queue);
    expect(queue[0]?.destroyedWith).toBeUndefined();
  });
});
