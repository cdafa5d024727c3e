/**
 * The upstream servers (s3rver, dynalite) have one client: the testkit's own
 * keep-alive pool (upstream.ts). Node closes a connection idle for its
 * keep-alive timeout (5 s, closed at about 6 s on Node 20 to 26), and a
 * request the pool sent on such a connection just as it closed met a reset:
 * the testkit answered 500 and the SDK retried, so a test saw one request
 * more than it sent (CI, under load). The servers now leave idle connections
 * to the pool, which closes them itself.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { S3_DIRECTORY_PREFIX, startUpstreamProcess } from './upstreamProcess.js';

/** Past Node's keep-alive timeout and its buffer on every Node the tests run on. */
const PAST_KEEP_ALIVE_MS = 7_000;

/** Sends one request on a keep-alive agent and returns its socket once the response is read (idle in the pool). */
function idleSocketAfterOneRequest(port: number, agent: http.Agent): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    const request = http.request({ host: '127.0.0.1', port, method: 'GET', path: '/', agent }, (response) => {
      response.resume();
      response.on('end', () => (socket ? resolve(socket) : reject(new Error('no socket'))));
      response.on('error', reject);
    });
    request.on('socket', (assigned) => {
      socket = assigned;
    });
    request.on('error', reject);
    request.end();
  });
}

describe('upstream servers', () => {
  it.concurrent.each(['s3', 'dynamodb'] as const)(
    '%s leaves an idle keep-alive connection open past Node’s keep-alive timeout',
    async (kind) => {
      const directory = kind === 's3' ? mkdtempSync(join(tmpdir(), S3_DIRECTORY_PREFIX)) : '';
      const upstream = await startUpstreamProcess(kind, directory);
      const agent = new http.Agent({ keepAlive: true });
      try {
        const socket = await idleSocketAfterOneRequest(upstream.port, agent);
        let closedAt: number | undefined;
        const start = Date.now();
        socket.once('close', () => {
          closedAt = Date.now() - start;
        });
        await sleep(PAST_KEEP_ALIVE_MS);
        expect(closedAt, `the server closed the idle connection after ${closedAt} ms`).toBeUndefined();
      } finally {
        agent.destroy();
        await upstream.close();
        if (directory) rmSync(directory, { recursive: true, force: true });
      }
    },
    20_000,
  );

  it('s3rver’s child keeps serving through SIGINT (Ctrl-C reaches the whole process group; a parent that handles it still needs its endpoints), and ends with its stdin', async () => {
    const directory = mkdtempSync(join(tmpdir(), S3_DIRECTORY_PREFIX));
    const agent = new http.Agent({ keepAlive: false });
    try {
      const upstream = await startUpstreamProcess('s3', directory);
      process.kill(upstream.pid as number, 'SIGINT');
      await sleep(200);
      await idleSocketAfterOneRequest(upstream.port, agent);
      expect(existsSync(directory)).toBe(true);
      await upstream.close();
      expect(existsSync(directory)).toBe(false);
    } finally {
      agent.destroy();
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it.each([
    ['its stdin closes (the parent closed it, exited or was killed)', undefined],
    ['it gets SIGTERM', 'SIGTERM'],
    ['it gets SIGHUP', 'SIGHUP'],
  ] as const)('s3rver’s child removes its storage directory when %s', async (_when, signal) => {
    const directory = mkdtempSync(join(tmpdir(), S3_DIRECTORY_PREFIX));
    try {
      const upstream = await startUpstreamProcess('s3', directory);
      expect(existsSync(directory)).toBe(true);
      if (signal !== undefined) process.kill(upstream.pid as number, signal);
      // close() ends stdin and waits for the exit; after a signal the child has already gone.
      await upstream.close();
      expect(existsSync(directory)).toBe(false);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  // Under Deno (whose node:child_process runs `-e` as `deno eval`) the child's argv was shifted by
  // one, and its exit hook removed s3rver's own module file from node_modules as "its directory":
  // the child now takes its input from the environment, and removes only a directory the testkit made.
  it.each([
    [
      'a file',
      (base: string) => {
        const file = join(base, 's3rver.js');
        writeFileSync(file, '// a module');
        return file;
      },
    ],
    ['a directory the testkit did not make', (base: string) => mkdtempSync(join(base, 'node_modules-'))],
  ] as const)('s3rver’s child never removes %s given as its directory', async (_what, make) => {
    const base = mkdtempSync(join(tmpdir(), 'dbp-upstream-not-ours-'));
    try {
      const path = make(base);
      const upstream = await startUpstreamProcess('s3', path).catch(() => undefined);
      await upstream?.close();
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
