import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy in front of a local endpoint that counts the connections clients open through it. */
export interface ConnectionCounter {
  /** `http://127.0.0.1:<port>`: point a client here instead of at the endpoint. */
  readonly endpoint: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target` (`http://127.0.0.1:<port>`). A client that is
 * reused keeps its keep-alive connection, so N requests from one client open
 * one connection; a client created per request opens one per request.
 */
export async function countConnections(target: string): Promise<ConnectionCounter> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections++;
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
