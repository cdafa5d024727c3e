import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.node.js', import.meta.url));

// Each worker loads the built package (as an app's workers would), makes its
// own factory and hammers it with concurrent getClient/getSession/clearCache
// calls, then reports what it saw.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const core = await import(workerData.dist);
  const created = { count: 0 };
  const service = core.defineService({ id: 'w', tier: 'standard', create: (config) => { created.count++; return { config, destroy() {}, middlewareStack: { add() {} } }; } });
  const factory = core.createClientFactory({ maxClients: 64 });
  let resolutions = 0;
  const provider = async () => { resolutions++; await new Promise((r) => setTimeout(r, 1)); return { accessKeyId: 'AKIDW', secretAccessKey: 'worker-secret' }; };
  const errors = [];
  const calls = [];
  for (let i = 0; i < workerData.calls; i++) {
    calls.push((async () => {
      for (let hop = 0; hop < i % 4; hop++) await null;
      try {
        const region = ['us-east-1', 'eu-west-1', 'ap-south-1', 'sa-east-1'][i % 4];
        const client = factory.getClient(service, { region, credentials: provider });
        await client.config.credentials();
        if (i % 1000 === 999) factory.clearCache({ region: 'sa-east-1' });
        factory.getSession({ region, credentials: provider });
      } catch (error) { errors.push(String(error)); }
    })());
  }
  await Promise.all(calls);
  const stats = factory.stats();
  factory.dispose();
  parentPort.postMessage({ created: created.count, resolutions, errors, clients: stats.clients, hits: stats.hits, misses: stats.misses });
})().catch((error) => parentPort.postMessage({ fatal: String(error) }));
`;

function runWorker(calls: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, {
      eval: true,
      execArgv: [],
      workerData: { dist, calls },
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
    });
    worker.once('message', (message) => {
      void worker.terminate();
      resolve(message as Record<string, unknown>);
    });
    worker.once('error', reject);
  });
}

describe('worker_threads', () => {
  it('runs one factory per worker under concurrent load without errors or duplicate clients', async () => {
    expect(existsSync(dist), 'build the package first (turbo runs build before test)').toBe(true);
    const results = await Promise.all(Array.from({ length: 4 }, () => runWorker(5_000)));
    for (const result of results) {
      expect(result.fatal).toBeUndefined();
      expect(result.errors).toEqual([]);
      // sa-east-1 may have just been cleared by the last clearCache.
      expect([3, 4]).toContain(result.clients);
      expect((result.hits as number) + (result.misses as number)).toBe(5_000);
      // 4 regions, plus one re-creation per clearCache of sa-east-1 (5 clears).
      expect(result.created).toBeGreaterThanOrEqual(4);
      expect(result.created).toBeLessThanOrEqual(4 + 5);
      expect(result.resolutions).toBeLessThanOrEqual(result.created as number);
    }
  });
});
