import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** Open TCP sockets of this process (`TCPSocketWrap` handles; the local endpoints run in another process). */
export function openSockets(): number {
  let count = 0;
  for (const resource of process.getActiveResourcesInfo()) if (resource === 'TCPSocketWrap') count++;
  return count;
}

/** The client sockets opened while a group was current, and how many of them were open at once. */
export class SocketGroup {
  readonly #sockets = new Set<Socket>();
  opened = 0;
  peak = 0;

  add(socket: Socket): void {
    this.opened++;
    this.#sockets.add(socket);
    this.sample();
  }

  /** How many of this group's sockets are still open. */
  open(): number {
    for (const socket of this.#sockets) if (socket.destroyed) this.#sockets.delete(socket);
    return this.#sockets.size;
  }

  sample(): void {
    const open = this.open();
    if (open > this.peak) this.peak = open;
  }
}

/**
 * Routes every new TCP client socket (`net.client.socket` diagnostics
 * channel) to the current group, and samples the current group every few ms.
 */
export class SocketTracker {
  #current: SocketGroup | undefined;
  readonly #timer: NodeJS.Timeout;
  readonly #onSocket = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket && this.#current) this.#current.add(socket);
  };

  constructor(sampleMs = 5) {
    diagnostics.subscribe('net.client.socket', this.#onSocket);
    this.#timer = setInterval(() => this.#current?.sample(), sampleMs);
    this.#timer.unref();
  }

  use(group: SocketGroup | undefined): void {
    this.#current?.sample();
    this.#current = group;
  }

  close(): void {
    clearInterval(this.#timer);
    diagnostics.unsubscribe('net.client.socket', this.#onSocket);
  }
}

/** Waits until `count()` drops to `atMost` (sockets close on the ticks after destroy), up to `timeoutMs`. */
export async function settle(count: () => number, atMost: number, timeoutMs = 3_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let value = count();
  while (value > atMost && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = count();
  }
  return value;
}
