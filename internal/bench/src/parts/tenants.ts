import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalAwsProcess } from '../lib/localAws.js';
import { DIST_DIR } from '../lib/paths.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { fmt } from '../lib/stats.js';
import { type TenantsInput, tenantCredentials } from '../lib/tenants.js';
import { seedBucket } from './throughput.js';

const run = promisify(execFile);

interface Stats {
  clients: number;
  sessions: number;
  hits: number;
  misses: number;
  evictions: number;
  draining: number;
}
interface Counts {
  created: number;
  destroyed: number;
}
interface TenantsOutput {
  heapBase: number;
  heapAfter: number;
  heapAfterMore: number;
  heapAfterDispose: number;
  heapBare: number;
  missMs: number;
  statsA: Stats;
  countsAfter: Counts;
  statsMore: Stats;
  countsMore: Counts;
  requests: {
    seconds: number;
    failures: number;
    firstError: string;
    stats: Stats;
    counts: Counts;
    opened: number;
    peak: number;
    processPeak: number;
    openAfter: number;
    processOpenAfter: number;
    openAfterDispose: number;
    countsDisposed: Counts;
  };
}

const MiB = 1024 * 1024;
const mib = (bytes: number): string => `${fmt(bytes / MiB)} MiB`;

export async function benchTenants(local: LocalAwsProcess, quick: boolean): Promise<PartResult> {
  const maxClients = 256;
  const concurrency = 16;
  const input: TenantsInput = {
    region: local.region,
    endpoint: local.clientOptions('s3').config.endpoint,
    tenants: quick ? 2_000 : 10_000,
    moreTenants: quick ? 1_000 : 5_000,
    requestTenants: quick ? 300 : 1_000,
    requestOffset: 1_000_000,
    maxClients,
    concurrency,
  };
  const pairs = Array.from({ length: input.requestTenants }, (_, i) => tenantCredentials(input.requestOffset + i));
  await seedBucket(local);
  await local.addCredentials(pairs);
  await local.reset();
  const { stdout } = await run(process.execPath, ['--expose-gc', join(DIST_DIR, 'tenants-child.js'), JSON.stringify(input)], {
    maxBuffer: 16 * 1024 * 1024,
    timeout: 150_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as TenantsOutput;
  const served = await local.requests('s3');
  const r = out.requests;
  const growth = out.heapAfterMore - out.heapAfter;
  const cacheHeap = out.heapAfter - out.heapBase;
  const boundedCache = out.statsA.clients <= maxClients && out.statsMore.clients <= maxClients;
  const destroyedAll = out.countsAfter.created - out.countsAfter.destroyed === out.statsA.clients + out.statsA.draining;
  const socketBound = maxClients + concurrency;
  const figures: Figure[] = [
    {
      metric: `${input.tenants.toLocaleString('en-US')} tenants, maxClients ${maxClients}: clients in cache`,
      value: `${out.statsA.clients} clients, ${out.statsA.sessions} sessions, ${out.statsA.evictions.toLocaleString('en-US')} evictions`,
      target: `≤ ${maxClients}`,
      verdict: verdict(boundedCache),
    },
    {
      metric: `heap after GC with ${input.tenants.toLocaleString('en-US')} tenants (over the empty process)`,
      value: `${mib(cacheHeap)} (${fmt(cacheHeap / Math.max(1, out.statsA.clients) / 1024)} KiB per cached client; a bare S3Client ${fmt(out.heapBare / maxClients / 1024)} KiB)`,
      target: '—',
      verdict: 'INFO',
    },
    {
      metric: `heap growth from ${input.tenants.toLocaleString('en-US')} to ${(input.tenants + input.moreTenants).toLocaleString('en-US')} tenants`,
      value: `${growth >= 0 ? '+' : ''}${mib(growth)}`,
      target: '≤ 1 MiB (bounded)',
      verdict: verdict(growth <= MiB),
      budget: Math.max(growth, 0) / MiB,
      chart: 'heap growth, +5,000 tenants',
    },
    {
      metric: 'evicted clients destroyed',
      value: `${out.countsAfter.destroyed.toLocaleString('en-US')} of ${out.countsAfter.created.toLocaleString('en-US')} created (${out.statsA.clients} cached)`,
      target: 'created − destroyed = cached',
      verdict: verdict(destroyedAll),
    },
    {
      metric: `${input.requestTenants.toLocaleString('en-US')} tenants × 1 GetObject: peak open sockets`,
      value: `${r.peak}; ${r.opened.toLocaleString('en-US')} connections opened; ${r.failures} failed`,
      target: `≤ ${socketBound} (maxClients + in flight)`,
      verdict: verdict(r.peak <= socketBound && r.failures === 0),
      budget: r.peak / socketBound,
      chart: 'peak sockets, 1 request per tenant',
    },
    {
      metric: 'after the requests: open sockets / cached clients; after dispose()',
      value: `${r.openAfter} / ${r.stats.clients}; ${r.openAfterDispose} open, ${r.countsDisposed.destroyed} of ${r.countsDisposed.created} clients destroyed`,
      target: 'open ≤ cached; 0 after dispose',
      verdict: verdict(r.openAfter <= r.stats.clients && r.openAfterDispose === 0 && r.countsDisposed.destroyed === r.countsDisposed.created),
    },
  ];
  return {
    id: 5,
    title: 'Many tenants',
    method: [
      `A child process (\`node --expose-gc\`) makes ${input.tenants.toLocaleString('en-US')} distinct static credentials go through one \`createClientFactory({ maxClients: ${maxClients} })\` (\`getClient(s3, { region, credentials, config: { endpoint, forcePathStyle } })\`, no request), then ${input.moreTenants.toLocaleString('en-US')} more; heap is \`heapUsed\` after two \`gc()\` calls.`,
      `The s3 definition is wrapped to count created and destroyed clients. Then a fresh factory serves ${input.requestTenants.toLocaleString('en-US')} other tenants one GetObject each (${concurrency} in flight) against the testkit's S3, which checks every signature against that tenant's key pair (registered with \`addCredentials\`).`,
      'Sockets are counted as in part 4: every connection the child opens (`net.client.socket` diagnostics channel) is tracked until it is destroyed.',
    ].join(' '),
    figures,
    tables: [
      {
        title: 'heap (after GC)',
        header: ['point', 'heapUsed', 'clients', 'sessions', 'evictions', 'created', 'destroyed'],
        rows: [
          ['empty process (modules loaded)', mib(out.heapBase), '', '', '', '', ''],
          [
            `${input.tenants.toLocaleString('en-US')} tenants`,
            mib(out.heapAfter),
            String(out.statsA.clients),
            String(out.statsA.sessions),
            String(out.statsA.evictions),
            String(out.countsAfter.created),
            String(out.countsAfter.destroyed),
          ],
          [
            `${(input.tenants + input.moreTenants).toLocaleString('en-US')} tenants`,
            mib(out.heapAfterMore),
            String(out.statsMore.clients),
            String(out.statsMore.sessions),
            String(out.statsMore.evictions),
            String(out.countsMore.created),
            String(out.countsMore.destroyed),
          ],
          ['after dispose()', mib(out.heapAfterDispose), '', '', '', '', ''],
          [`${maxClients} bare S3Clients in an array (for scale)`, `+${mib(out.heapBare)}`, '', '', '', '', ''],
        ],
      },
      {
        title: `${input.requestTenants.toLocaleString('en-US')} tenants, one GetObject each`,
        header: ['requests/s', 'clients', 'evictions', 'draining', 'created', 'destroyed', 'connections', 'peak open', 'open after', 'open after dispose'],
        rows: [
          [
            fmt(input.requestTenants / r.seconds),
            String(r.stats.clients),
            String(r.stats.evictions),
            String(r.stats.draining),
            String(r.counts.created),
            String(r.counts.destroyed),
            String(r.opened),
            String(r.peak),
            String(r.openAfter),
            String(r.openAfterDispose),
          ],
        ],
      },
    ],
    notes: [
      `A cache miss (new tenant: fingerprint, session, new S3Client, eviction) cost ${fmt(out.missMs * 1000)} µs on average.`,
      `The local S3 saw ${served.total.toLocaleString('en-US')} requests from ${served.distinctAccessKeys.toLocaleString('en-US')} distinct access keys, ${served.invalidSignatures} with an invalid signature (status counts ${JSON.stringify(served.byStatus)}).`,
      `Ref’d \`TCPSocketWrap\` handles (\`process.getActiveResourcesInfo()\`) peaked at ${r.processPeak} and were ${r.processOpenAfter} after the requests: the agent unrefs idle keep-alive sockets, so that count misses them.`,
      ...(r.firstError ? [`First request error: ${r.firstError}`] : []),
    ],
  };
}
