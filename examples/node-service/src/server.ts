/**
 * Starts the notes service: `node dist/server.js`.
 *
 * Environment: NOTES_BUCKET, NOTES_TABLE (required); PORT (default 3000, `0`
 * picks a free one), HOST (default 127.0.0.1); AWS_REGION and credentials
 * the usual way (environment, shared config files, container or instance
 * roles); AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB for local endpoints.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getClientFactory } from '@dbp/aws-core';
import { createNotesService } from './app.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const service = createNotesService({ bucket: required('NOTES_BUCKET'), table: required('NOTES_TABLE') });
const server = createServer(service);
const host = process.env.HOST ?? '127.0.0.1';

server.listen(Number(process.env.PORT ?? 3000), host, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`notes service listening on http://${host}:${port}`);
});

// On SIGTERM (container stop) or SIGINT: stop accepting requests, let running
// ones finish, then dispose of every cached client so no socket keeps the
// process alive.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => {
      getClientFactory().dispose();
      console.log('notes service stopped');
    });
    server.closeIdleConnections();
  });
}
