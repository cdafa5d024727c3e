import * as http from 'node:http';
import type { AwsResponse } from './request.js';

const DROP_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'date', 'server']);

/** A keep-alive HTTP/1.1 client for one server on 127.0.0.1 (s3rver, dynalite). Buffers whole responses. */
export class Upstream {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly port: number) {}

  /** Sends a request and reads the whole response. */
  forward(method: string, target: string, headers: Record<string, string>, body: Buffer): Promise<AwsResponse> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path: target,
          headers: { ...headers, host: `127.0.0.1:${this.port}`, 'content-length': String(body.length) },
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const out: AwsResponse['headers'] = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined || DROP_RESPONSE_HEADERS.has(name) || name.startsWith('access-control-')) continue;
              out[name] = value;
            }
            const responseBody = Buffer.concat(chunks);
            // Keep the upstream length for HEAD (it describes the object); otherwise it is the body's.
            if (method !== 'HEAD') out['content-length'] = String(responseBody.length);
            resolve({ status: res.statusCode ?? 500, headers: out, body: responseBody });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Drops the pooled connections. */
  close(): void {
    this.agent.destroy();
  }
}
