import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A local HTTP server that never closes a connection itself (see `startStallingServer`). */
export interface StallingServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Connections the server holds that neither side has closed yet. */
  openConnections(): number;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** How many bytes a stalled response announces, and how many of them it sends. */
export const STALLED_LENGTH = 64 * 1024;
export const STALLED_SENT = 1024;

/**
 * A `node:http` server on 127.0.0.1 that keeps every connection open until the
 * client closes it: no keep-alive timeout, no request timeout. Unlike the
 * testkit's endpoints (which drop idle keep-alive connections after 5 s), it
 * leaves the closing to the client, so whatever a test sees closed, the client
 * closed. Every request whose path ends in `/stalled` gets a 200 with a
 * `content-length` of `STALLED_LENGTH`, `STALLED_SENT` bytes of it, then
 * nothing; any other request gets a complete 200 with the body `done`.
 */
export async function startStallingServer(): Promise<StallingServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    req.resume();
    if (req.url?.split('?')[0]?.endsWith('/stalled')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(STALLED_LENGTH) });
      res.write(Buffer.alloc(STALLED_SENT, 's'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '4' });
    res.end('done');
  });
  // 0 turns each limit off: the connection lives until the client closes it.
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.timeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    openConnections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
