import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file the page server answers with. */
export interface StaticFile {
  /** Its `Content-Type`. */
  readonly type: string;
  /** Its body. */
  readonly body: string;
}

/** A running page server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Stops it (open keep-alive connections included). */
  close(): Promise<void>;
}

/** Serves `files` (by path) from 127.0.0.1 on a free port; anything else is a 404. */
export async function serveFiles(files: Readonly<Record<string, StaticFile>>): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = files[path];
    if (request.method !== 'GET' || file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
