// Many tenants, in a child process started with --expose-gc: heap after GC,
// cache size and evictions for 10,000 distinct credentials under
// maxClients 256; then one GetObject per tenant against the local S3, with
// socket counts and a count of destroyed clients.
import { GetObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { createClientFactory, defineService } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import { openSockets, SocketGroup, SocketTracker, settle } from './lib/sockets.js';
import { pool } from './lib/stats.js';
import { BUCKET, KEY, type TenantsInput, tenantCredentials } from './lib/tenants.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const input = JSON.parse(process.argv[2] ?? '{}') as TenantsInput;

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

/** The s3 definition, counting the clients it creates and the ones destroyed. */
function countingS3() {
  const counts = { created: 0, destroyed: 0 };
  const definition = defineService<S3Client, S3ClientConfig>({
    id: 's3',
    tier: 'standard',
    create: (config) => {
      const client = s3.create(config);
      counts.created++;
      const destroy = client.destroy.bind(client);
      client.destroy = () => {
        counts.destroyed++;
        destroy();
      };
      return client;
    },
  });
  return { definition, counts };
}

const config = { endpoint: input.endpoint, forcePathStyle: true };

// Phase A: no requests.
const heapBase = heap();
const a = countingS3();
const factoryA = createClientFactory({ maxClients: input.maxClients });
let started = performance.now();
for (let i = 0; i < input.tenants; i++) factoryA.getClient(a.definition, { region: input.region, credentials: tenantCredentials(i), config });
const missMs = (performance.now() - started) / input.tenants;
const heapAfter = heap();
const statsA = factoryA.stats();
const countsAfter = { ...a.counts };
for (let i = input.tenants; i < input.tenants + input.moreTenants; i++) {
  factoryA.getClient(a.definition, { region: input.region, credentials: tenantCredentials(i), config });
}
const heapAfterMore = heap();
const statsMore = factoryA.stats();
const countsMore = { ...a.counts };
factoryA.dispose();
const heapAfterDispose = heap();

// For scale: the same number of bare clients held in an array.
const bare: S3Client[] = [];
const heapBeforeBare = heap();
for (let i = 0; i < input.maxClients; i++) bare.push(new S3Client({ region: input.region, credentials: tenantCredentials(i), ...config }));
const heapBare = heap();
for (const client of bare) client.destroy();
bare.length = 0;

// Phase B: one GetObject per tenant.
const b = countingS3();
const factoryB = createClientFactory({ maxClients: input.maxClients });
const tracker = new SocketTracker();
const group = new SocketGroup();
tracker.use(group);
let processPeak = 0;
let failures = 0;
let firstError = '';
started = performance.now();
await pool(input.requestTenants, input.concurrency, async (i) => {
  const client = factoryB.getClient(b.definition, { region: input.region, credentials: tenantCredentials(input.requestOffset + i), config });
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    await out.Body!.transformToByteArray();
  } catch (error) {
    failures++;
    firstError ||= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const open = openSockets();
  if (open > processPeak) processPeak = open;
});
const requestSeconds = (performance.now() - started) / 1000;
tracker.use(undefined);
const statsB = factoryB.stats();
const countsB = { ...b.counts };
const openAfter = await settle(() => group.open(), statsB.clients);
const processOpenAfter = openSockets();
factoryB.dispose();
const openAfterDispose = await settle(() => group.open(), 0);
tracker.close();
const countsDisposed = { ...b.counts };

const pick = (s: { clients: number; sessions: number; hits: number; misses: number; evictions: number; draining?: number }) => ({
  clients: s.clients,
  sessions: s.sessions,
  hits: s.hits,
  misses: s.misses,
  evictions: s.evictions,
  draining: s.draining ?? 0,
});

process.stdout.write(
  `${JSON.stringify({
    heapBase,
    heapAfter,
    heapAfterMore,
    heapAfterDispose,
    heapBare: heapBare - heapBeforeBare,
    missMs,
    statsA: pick(statsA),
    countsAfter,
    statsMore: pick(statsMore),
    countsMore,
    requests: {
      seconds: requestSeconds,
      failures,
      firstError,
      stats: pick(statsB),
      counts: countsB,
      opened: group.opened,
      peak: group.peak,
      processPeak,
      openAfter,
      processOpenAfter,
      openAfterDispose,
      countsDisposed,
    },
  })}\n`,
);
