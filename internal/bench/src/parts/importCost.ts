import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { writeServiceEntry } from '@dbp/aws-services';
import { DIST_DIR } from '../lib/paths.js';
import { type Figure, type PartResult, verdict } from '../lib/report.js';
import { SERVICES } from '../lib/services.js';
import { fmt, median } from '../lib/stats.js';

const run = promisify(execFile);

interface Probe {
  importMs: number;
  /** CPU during the `import()` alone. */
  cpuMs: number;
  /** CPU from the `import()` until the process has been idle for `settleMs` (src/importProbe.ts): the headline. */
  settledCpuMs: number;
  settleMs: number;
  totalMs: number;
  wallMs: number;
}

async function probe(specifier: string, loadedFirst?: string): Promise<Probe> {
  const started = performance.now();
  const { stdout } = await run(process.execPath, [join(DIST_DIR, 'import-probe.js'), specifier, ...(loadedFirst === undefined ? [] : [loadedFirst])], {
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 60_000,
  });
  const wallMs = performance.now() - started;
  const parsed = JSON.parse(stdout) as Omit<Probe, 'wallMs'>;
  return { ...parsed, wallMs };
}

/** Fresh `node` processes, the two imports alternating (A B, B A, …), median of each. */
async function compare(a: string, b: string, n: number): Promise<{ a: Probe[]; b: Probe[] }> {
  const out = { a: [] as Probe[], b: [] as Probe[] };
  // One discarded run each warms the file-system cache.
  await probe(a);
  await probe(b);
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) {
      out.a.push(await probe(a));
      out.b.push(await probe(b));
    } else {
      out.b.push(await probe(b));
      out.a.push(await probe(a));
    }
  }
  return out;
}

export async function benchImportCost(quick: boolean): Promise<PartResult> {
  const figures: Figure[] = [];
  const rows: string[][] = [];
  for (const [index, service] of SERVICES.entries()) {
    const n = quick ? 3 : index === 0 ? 9 : 6;
    // Each import runs from a module in the package's folder, which resolves the package and its SDK client as an app would.
    const oursUrl = pathToFileURL(writeServiceEntry(service, 'import-cost.mjs', `import '${service.package}';\n`, 'internal/bench (part 2)')).href;
    const sdkUrl = pathToFileURL(writeServiceEntry(service, 'import-cost.sdk.mjs', `import '${service.sdk}';\n`, 'internal/bench (part 2)')).href;
    const { a, b } = await compare(oursUrl, sdkUrl, n);
    const ours = median(a.map((p) => p.settledCpuMs));
    const bare = median(b.map((p) => p.settledCpuMs));
    // Each A and B sample ran back to back, so their ratio compares like with like.
    const ratio = median(a.map((p, i) => p.settledCpuMs / b[i]!.settledCpuMs));
    // The figure before the settle: which side V8's deferred work lands on moves it by ~20 ms.
    const importOnlyRatio = median(a.map((p, i) => p.cpuMs / b[i]!.cpuMs));
    const wallImportOurs = median(a.map((p) => p.importMs));
    const wallImportBare = median(b.map((p) => p.importMs));
    const wallOurs = median(a.map((p) => p.wallMs));
    const wallBare = median(b.map((p) => p.wallMs));
    // What the @dbp package adds to a process that has loaded its SDK client: measured on its own, so
    // the SDK import's own spread from process to process (several ms) does not drown it.
    const added: Probe[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) added.push(await probe(oursUrl, sdkUrl));
    const addedMs = median(added.map((p) => p.settledCpuMs));
    figures.push({
      metric: `import('${service.package}') after its SDK client is loaded, CPU`,
      value: `+${fmt(addedMs, 2)} ms = ${fmt(1 + addedMs / bare, 3)}× the bare import`,
      target: '(≤ 1.05×)',
      verdict: 'INFO',
    });
    figures.push({
      metric: `import('${service.package}') ÷ import('${service.sdk}'), CPU`,
      value: `${fmt(ours)} vs ${fmt(bare)} ms (${ours >= bare ? '+' : ''}${fmt(ours - bare, 2)} ms); paired ${fmt(ratio)}×`,
      target: '≤ 1.05×',
      verdict: verdict(ratio <= 1.05),
      budget: ratio / 1.05,
      chart: `import CPU, ${service.package}`,
    });
    rows.push([
      service.package,
      String(n),
      `${fmt(ours)} ms`,
      `${fmt(bare)} ms`,
      `${fmt(ours - bare, 2)} ms`,
      `${fmt(ratio)}×`,
      `${fmt(importOnlyRatio)}×`,
      `${fmt(wallImportOurs)} / ${fmt(wallImportBare)} ms = ${fmt(wallImportOurs / wallImportBare)}×`,
      `${fmt(wallOurs)} / ${fmt(wallBare)} ms = ${fmt(wallOurs / wallBare)}×`,
      `${fmt(addedMs, 2)} ms`,
    ]);
  }
  const core = quick ? 3 : 7;
  const coreRuns: Probe[] = [];
  for (let i = 0; i < core; i++) coreRuns.push(await probe('@dbp/aws-core'));
  const coreMs = median(coreRuns.map((p) => p.settledCpuMs));
  const settleMs = coreRuns[0]?.settleMs ?? 0;
  return {
    id: 2,
    title: 'Import cost in fresh processes',
    method: [
      `Each sample is a fresh \`node\` process running \`dist/import-probe.js\`, which measures \`await import(specifier)\`: the CPU time the process spends on it (\`process.cpuUsage()\`, user + system, all threads: other work on a shared machine disturbs it far less than wall time) and its wall time (\`performance.now()\`). The headline CPU runs from the \`import()\` until the process has then been idle for ${settleMs} ms: loading an SDK client leaves ~20 ms of CPU that V8 may run after the \`import()\` has resolved (finishing a garbage collection, optimising on a background thread), and whether it lands inside the timed \`import()\` or after it varies from process to process, on either side of a pair. Idle, each import is charged with all the work it caused; the \`import()\`-only ratio is shown beside it. The specifier is a one-line module (an \`import\` of the package, or of its SDK client) written into the \`.tmp/entries/\` folder of the service package, which resolves the package and its SDK client as a consumer would (built \`dist\`, \`import\` condition, pnpm symlinks); \`@dbp/aws-core\` resolves from internal/bench.`,
      'The two imports of a pair alternate (A B, B A, …) after one discarded warm-up each; medians, and the ratio is the median of the ratios of back-to-back pairs. Process wall time is spawn to exit as the parent sees it (Node start-up and the idle wait included).',
      'The SDK import alone varies by several ms from process to process, as much as the whole difference; so five more processes per package import the SDK client first (untimed, then idle as above) and then the package: the median of that CPU time (import + settle) is what the package adds, shown over the bare import (INFO).',
    ].join(' '),
    figures,
    tables: [
      {
        title: 'median import time',
        header: [
          'package',
          'processes each',
          '@dbp CPU, import + settle',
          'bare SDK CPU, import + settle',
          'difference',
          'CPU ratio (paired)',
          'CPU ratio (paired), import() alone',
          'import wall time (@dbp / SDK)',
          'process wall time (@dbp / SDK)',
          '@dbp CPU with the SDK client loaded, import + settle',
        ],
        rows,
      },
    ],
    notes: [`\`import('@dbp/aws-core')\` alone (no SDK client loaded): median ${fmt(coreMs)} ms CPU (import + settle) over ${core} processes.`],
  };
}
