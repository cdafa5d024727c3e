// pnpm bench: measures @dbp/aws against the bare AWS SDK and writes
// BENCHMARKS.md and internal/bench/chart.svg, then the README's performance
// table from BENCHMARKS.md (scripts/bench-readme.mjs). Flags: --quick (short runs,
// for trying the bench out; writes nothing unless --write), --only=1,3.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join, relative } from 'node:path';
import { LocalAwsProcess } from './lib/localAws.js';
import { BENCH_DIR, ROOT_DIR } from './lib/paths.js';
import { chartSvg, consoleTable, type Machine, markdown, type PartResult, skipped, writeText } from './lib/report.js';
import { benchAssumedRoles } from './parts/assumedRoles.js';
import { benchBundles } from './parts/bundle.js';
import { benchCredentials } from './parts/credentials.js';
import { benchGetClient } from './parts/getClient.js';
import { benchImportCost } from './parts/importCost.js';
import { benchLambdaInit } from './parts/lambdaInit.js';
import { benchTenants } from './parts/tenants.js';
import { benchThroughput } from './parts/throughput.js';
import { benchWarm } from './parts/warm.js';

// The SDK warns once per process that Node 22 becomes its minimum in 2027; not news here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',').map(Number)) : undefined;
const write = args.includes('--write') || (!quick && only === undefined);
// --out=FILE writes the report of a partial or quick run there instead (for trying parts out).
const outArg = args.find((a) => a.startsWith('--out='))?.slice('--out='.length);
const wanted = (id: number): boolean => only === undefined || only.has(id);

const TITLES: Record<number, string> = {
  1: 'getClient cache hit',
  2: 'Import cost in fresh processes',
  3: 'Browser bundle overhead per service',
  4: 'Throughput: GetObject against the local S3',
  5: 'Many tenants',
  6: 'Credential resolution',
  7: 'AWS Lambda: init time and bundle size',
  8: 'Assumed roles (@dbp/aws-sts)',
  9: 'Warm first request',
};

const startedAt = new Date();
const t0 = performance.now();
const loadAverage = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' / ');
const results: PartResult[] = [];

async function part(id: number, body: () => Promise<PartResult>): Promise<void> {
  if (!wanted(id)) return;
  process.stdout.write(`[bench] ${id}. ${TITLES[id]} …`);
  const started = performance.now();
  let result: PartResult;
  try {
    result = await body();
  } catch (error) {
    result = skipped(id, TITLES[id]!, `failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  result.seconds = (performance.now() - started) / 1000;
  process.stdout.write(` ${result.seconds.toFixed(1)} s\n`);
  results.push(result);
}

await part(1, () => benchGetClient(quick));
await part(2, () => benchImportCost(quick));
await part(3, () => benchBundles());
let local: LocalAwsProcess | undefined;
let localError = '';
if (wanted(4) || wanted(5) || wanted(6) || wanted(7) || wanted(8) || wanted(9)) {
  try {
    local = await LocalAwsProcess.start({ services: ['s3', 'dynamodb', 'bedrock-runtime', 'sagemaker', 'athena', 'sts'], verifySignatures: true });
  } catch (error) {
    localError = `the testkit's local endpoints could not start: ${error instanceof Error ? error.message : String(error)}`;
    process.stdout.write(`[bench] ${localError}\n`);
  }
}
const stopLocal = (): void => {
  void local?.stop();
};
process.once('SIGINT', () => {
  stopLocal();
  process.exit(130);
});
try {
  await part(7, () => benchLambdaInit(quick, local, localError));
  await part(6, () => benchCredentials(local));
  await part(8, () => benchAssumedRoles(local, quick));
  await part(9, async () => (local ? benchWarm(local, quick) : skipped(9, TITLES[9]!, localError)));
  await part(4, async () => (local ? benchThroughput(local, quick) : skipped(4, TITLES[4]!, localError)));
  await part(5, async () => (local ? benchTenants(local, quick) : skipped(5, TITLES[5]!, localError)));
} finally {
  await local?.stop();
}
results.sort((a, b) => a.id - b.id);

const cpus = os.cpus();
const machine: Machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
  node: process.version,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  date: startedAt.toISOString(),
  command: quick ? 'pnpm bench -- --quick' : 'pnpm bench',
  seconds: (performance.now() - t0) / 1000,
  load: loadAverage,
};

console.log('');
console.log(consoleTable(results));
console.log('');
const misses = results.flatMap((r) => r.figures).filter((f) => f.verdict === 'MISS').length;
if (write) {
  const chartFile = join(BENCH_DIR, 'chart.svg');
  const mdFile = join(ROOT_DIR, 'BENCHMARKS.md');
  writeText(chartFile, chartSvg(results));
  writeText(mdFile, markdown(results, machine, relative(ROOT_DIR, chartFile)));
  // The README's performance table comes from BENCHMARKS.md only, so CI can check it without a bench run.
  const readme = spawnSync(process.execPath, [join(ROOT_DIR, 'scripts', 'bench-readme.mjs'), '--write'], { stdio: 'inherit' });
  if (readme.status !== 0) process.exitCode = 1;
  console.log(
    `[bench] wrote ${relative(process.cwd(), mdFile) || mdFile} and ${relative(process.cwd(), chartFile)} (${machine.seconds.toFixed(0)} s, ${misses} MISS)`,
  );
} else if (outArg) {
  const chartOut = outArg.replace(/\.md$/, '') + '.svg';
  writeText(chartOut, chartSvg(results));
  writeText(outArg, markdown(results, machine, chartOut));
  console.log(`[bench] wrote ${outArg} and ${chartOut}`);
} else {
  console.log(`[bench] ${machine.seconds.toFixed(0)} s, ${misses} MISS (partial or quick run: BENCHMARKS.md not written; add --write to write it)`);
}
