#!/usr/bin/env node
// Size budgets (`pnpm size`, and a step of scripts/test.mjs; build first).
//
// Runs size-limit on .size-limit.mjs: per service package (the manifest,
// internal/services/services.json), the production browser bundle
// (`process.env.NODE_ENV` = production, minified + gzip) of
// its minimal import and one call, against a budget; and the bare SDK client
// beside it. Prints the core's overhead per service
// (`getXClient(...)` bundle minus `new XClient(...)` bundle) and fails when a
// budget is exceeded or the overhead grows past OVERHEAD_BUDGET_BYTES.
//
// Then the Lambda bundle: the example handler and its bare-SDK twin, each
// bundled as AWS documents (examples/lambda/esbuild.config.mjs, minified),
// and fails when the difference grows past LAMBDA_OVERHEAD_BUDGET_BYTES.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaBuildOptions } from '../examples/lambda/esbuild.config.mjs';
import { run } from './lib/process.mjs';
import { LAMBDA_HANDLERS, LAMBDA_OVERHEAD_TARGET_BYTES, WEB_OVERHEAD_TARGET_BYTES } from './lib/weight.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What CI enforces today: the largest measured overhead across the services
 * (bedrock, 15,990 B) plus a little. The core's web build is over the target
 * (see the report this prints): lower this as it shrinks, and never raise it
 * without naming, in the commit that raises it, what the bytes bought
 * (`git log -L '/OVERHEAD_BUDGET_BYTES =/,+1:scripts/size.mjs'` lists every
 * step and its reason).
 */
const OVERHEAD_BUDGET_BYTES = 16_050;

/**
 * What CI enforces today: the measured overhead (87,300 B: the core's Node
 * build ~60 kB, its message catalog ~21 kB, the example's own code) plus a
 * little. Lower this as the core shrinks, and never raise it without naming,
 * in the commit that raises it, what the bytes bought
 * (`git log -L '/LAMBDA_OVERHEAD_BUDGET_BYTES =/,+1:scripts/size.mjs'` lists
 * every step and its reason).
 */
const LAMBDA_OVERHEAD_BUDGET_BYTES = 87_350;

const { default: checks } = await import('../.size-limit.mjs');
const result = await run(join(root, 'node_modules', '.bin', 'size-limit'), ['--json'], { cwd: root, timeoutMs: 180_000 });
let measured;
try {
  measured = JSON.parse(result.stdout);
} catch {
  console.error(`✖ size-limit did not report (exit ${result.code}):\n${result.output}`);
  process.exit(1);
}

const byName = new Map(measured.map((entry) => [entry.name, entry]));
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;
let failed = false;
const rows = [];
// .size-limit.mjs lists each service's check (with a limit) followed by its SDK baseline (without).
for (const [index, check] of checks.entries()) {
  if (!check.limit) continue;
  const size = byName.get(check.name);
  const baseline = byName.get(checks[index + 1]?.limit ? undefined : checks[index + 1]?.name);
  if (!size || !baseline) {
    failed = true;
    console.error(`✖ ${check.name}: no measurement`);
    continue;
  }
  const overhead = size.size - baseline.size;
  const overBudget = size.passed === false;
  const overheadTooBig = overhead > OVERHEAD_BUDGET_BYTES;
  if (overBudget || overheadTooBig) failed = true;
  rows.push([
    overBudget || overheadTooBig ? '✖' : '✓',
    check.name,
    `${kB(size.size)} / budget ${check.limit}`,
    `SDK alone ${kB(baseline.size)}`,
    `core overhead ${kB(overhead)}${overhead > WEB_OVERHEAD_TARGET_BYTES ? ` (target ≤ ${kB(WEB_OVERHEAD_TARGET_BYTES)})` : ''}${overheadTooBig ? ` > ${kB(OVERHEAD_BUDGET_BYTES)} budget` : ''}`,
  ]);
}

const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column].length))) ?? [];
console.log('Browser bundles (esbuild, minified + gzip), built from dist/:');
for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd());

// The Lambda bundle, with the esbuild the example builds with.
const { build } = createRequire(join(root, 'examples', 'lambda', 'package.json'))('esbuild');
/**
 * A handler bundled as AWS documents (not written: the example's own dist/ is
 * `pnpm build`'s): its minified bytes, and the SDK client packages in it (by
 * folder, so by version).
 */
async function lambdaBundle(entry) {
  const result = await build({
    ...lambdaBuildOptions({ entryPoints: [entry], outfile: join(root, '.tmp', 'size', 'handler.mjs') }),
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  const clients = new Set(Object.keys(result.metafile.inputs).flatMap((input) => /^(.*node_modules\/@aws-sdk\/client-[a-z0-9-]+)\//.exec(input)?.[1] ?? []));
  return { bytes: result.outputFiles[0].contents.byteLength, clients: [...clients].sort() };
}
const [ours, bare] = await Promise.all([lambdaBundle(join(root, LAMBDA_HANDLERS.example)), lambdaBundle(join(root, LAMBDA_HANDLERS.bare))]);
// The difference is the core's only when both bundle the same SDK clients:
// the two handlers' packages declare their SDK versions separately.
if (ours.clients.join('\n') !== bare.clients.join('\n')) {
  failed = true;
  console.error(
    `✖ the Lambda example and its bare-SDK twin bundle different SDK clients; align the versions in examples/lambda/package.json and internal/bench/package.json:\n  example: ${ours.clients.join(', ')}\n  bare:    ${bare.clients.join(', ')}`,
  );
}
const lambdaOverhead = ours.bytes - bare.bytes;
const lambdaTooBig = lambdaOverhead > LAMBDA_OVERHEAD_BUDGET_BYTES;
if (lambdaTooBig) failed = true;
console.log('Lambda bundle (esbuild as AWS documents, minified), the example handler against the same handler with bare SDK clients:');
console.log(
  `  ${lambdaTooBig ? '✖' : '✓'} ${kB(ours.bytes)} vs ${kB(bare.bytes)}: overhead ${kB(lambdaOverhead)}${lambdaOverhead > LAMBDA_OVERHEAD_TARGET_BYTES ? ` (target ≤ ${kB(LAMBDA_OVERHEAD_TARGET_BYTES)})` : ''}${lambdaTooBig ? ` > ${kB(LAMBDA_OVERHEAD_BUDGET_BYTES)} budget` : ''}`,
);

if (failed) {
  console.error(
    `\n✖ size budgets exceeded (budgets: sizeLimit in internal/services/services.json; the overhead budgets ${kB(OVERHEAD_BUDGET_BYTES)} (browser) and ${kB(LAMBDA_OVERHEAD_BUDGET_BYTES)} (Lambda) in scripts/size.mjs)`,
  );
  process.exit(1);
}
