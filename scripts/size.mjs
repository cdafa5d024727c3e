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
 * What CI enforces today: the measured overhead (13.1 to 14.0 kB across the services) plus a little.
 * The core's web build is over the target (see the report this prints); lower
 * this as it shrinks, never raise it without a reason in the commit. (Raised
 * from 11.0 kB for the fixes of two adversarial reviews: held clients that
 * drain and close again, creation retried after a re-entrant clear, one
 * definition key, re-entrant getters, a one-second clock for lastUsedAt.
 * Raised from 12.25 kB for the kernel's plug-in seams and the region lookup
 * of clients given no region (the catalog's rule tables no longer leak into
 * production bundles, which took ~1 kB minified back); for review 5's fixes
 * (configureClientFactory across package copies and mid-call, the region
 * check of the SDK's own region lookup, +~60 B gzip); and for issue 16's
 * self-healing credentials and warm(), which every runtime gets (+~1.3 kB);
 * for the heal middleware inside the SDK's retry loop (+~0.15 kB), the
 * refused region's source in its message details (+~0.1 kB) and the
 * disposed factory's process-wide check (+20 B): bedrock measured 14,002 B;
 * then for the web build's FACTORY_DISPOSED.send, config keys that are not
 * enumerable, the class-instance config message and one refresh per
 * given-back credential set (+~0.1 kB): bedrock measured 14,110 B; then
 * for the calling client's config handed to credential sources, a measured
 * clock skew kept across clients and warm() without a per-call leak
 * (+~80 B): bedrock measured 14,190 B; then for a cached client's
 * provider taken back by a new client of the same credentials, a `create`
 * that gives no client refused, a promise given as credentials named and a
 * rejection during a background refresh forcing its own (+~170 B): bedrock
 * measured 14,360 B; then for a refused option word shown in the message
 * (`got 'warning'`, +~40 B): bedrock measured 14,510 B; then for review 9's
 * web fixes (a kept client's request refused before it resolves credentials,
 * a kept session's source not called after dispose(), credential ids where
 * Web Crypto is refused, no in-flight count where none is kept; +~140 B):
 * bedrock measured 14,650 B; then for review 9's input fixes (no secret in
 * AwsRegionError.region, a provider's result read by name and its empty
 * secret refused, an async listener's rejection caught; +~170 B) and the
 * direct call of a keyed provider memoised: bedrock measured 14,820 B; then
 * for the review of this session's diff (control characters escaped in
 * AwsRegionError.region, a JWT counted as a credential, no suggestion made
 * from a secret, the process-wide wording kept after dispose(); +~170 B):
 * bedrock measured 14,990 B; then for review 10's fixes (the web build's own
 * process-wide factory, a service error's copy of the request's secrets cut
 * out, warm() never handing out a client removed while it warmed; the
 * profile errors moved to the Node platform gave back 0.14 kB): bedrock
 * measured 15,100 B, with room for one more fix; then for the reviews of
 * this session's diff (secrets cut from a service error's nested fields as
 * copies, never in place, without ever throwing; +~130 B): bedrock measured
 * 15,230 B; then for review 11's options that cannot be options (a promise
 * passed without `await`, a Map, a Date… took every default silently,
 * another identity; +~90 B): bedrock measured 15,320 B; then for telling
 * them by their built-in tag, across realms and a replaced global Promise,
 * and naming them in messages (+~130 B): bedrock measured 15,450 B; then
 * for the last review's fixes (asked only of options that give none, a
 * Proxy that throws for `then` read by name, File and AbortSignal among
 * them; +~70 B): bedrock measured 15,520 B; then for review 12's fixes
 * (the cache's timers skipped where workerd refuses them at module scope,
 * a failed forced refresh shared, an unreadable environment taken as
 * none, the web build naming the `node` condition on Node, the raw
 * response's body let go (its request held the signed token); the Node
 * region lookup moved out of the kernel gave back 0.07 kB): bedrock
 * measured 15,610 B.)
 */
const OVERHEAD_BUDGET_BYTES = 15_700;

/**
 * What CI enforces today: the measured overhead (72,090 B: the core's Node build ~53 kB,
 * its message catalog ~18 kB, the example's own code) plus a little. Lower this
 * as the core shrinks; never raise it without a reason in the commit. (Raised
 * from 69,500: +2.4 kB of messages that say what happened and what to do where
 * a TypeError or a message about something else came: after `dispose()`, a
 * class-instance `config`, an `endpoint` without its scheme, a misspelt or
 * STS-spelt credential field; and reading `config` keys that are not
 * enumerable. From 72,000: +0.34 kB, an `endpoint` read with the wrong scheme
 * (`localhost:4566`) and a profile given on the web, named. From 72,300: the
 * calling client's config handed to credential sources (STS in the caller's
 * region), a measured clock skew kept across clients, `warm()` without a
 * per-call leak, and room for this session's other review fixes. From 72,800:
 * a `create` that gives no client refused with its rule, +0.42 kB: 72,930 B.
 * From 73,100: a promise given as credentials and a non-string endpoint
 * named, and the unknown-service wording, +0.57 kB: 73,500 B. From 73,700:
 * clearCache's region check, a forced refresh after a background one, a
 * corrected clock followed, a session's provider reused and promised
 * rejections handled, +0.41 kB: 73,910 B. From 74,100: `serviceTiers` keys
 * no id can be, a refused option word shown, a kept session's source not
 * called after dispose(), no in-flight count where none is kept, +0.53 kB:
 * 74,440 B. From 74,600: review 9's input fixes (no secret in
 * AwsRegionError.region or in a quoted constructor message, a provider's
 * result read by name, an async listener's rejection caught) and the direct
 * call of a keyed provider memoised: 74,790 B before the last. From 75,100:
 * clearCache's refusal of strings no id can be and the review of this
 * session's diff (control characters escaped in AwsRegionError.region, a JWT
 * counted as a credential, no suggestion made from a secret), +0.19 kB:
 * 75,270 B. From 75,400: profile errors told apart by the Node platform,
 * not the kernel (an expired SSO session says to run `aws sso login`, not
 * that the profile is missing; a failing credential_process is not a
 * missing profile either), +0.42 kB on Node and -0.14 kB on the web:
 * 75,640 B. From 75,800: a service error's copy of the request's session
 * token or secret key (S3's `Token-0`) cut out, +0.31 kB: 75,950 B. From
 * 76,100: warm() never handing out a client removed while it warmed, +0.17
 * kB: 76,120 B, with room for one more fix. From 76,400: the review of this
 * session's diff (secrets cut from nested fields of service errors without
 * ever throwing, resolved credentials without undefined fields, the missing
 * source profile named) and a named profile's other failures named with
 * where to look (+0.44 kB): 76,790 B. From 76,900: the second review's
 * fixes (a service error's nested objects cleaned as copies, never in place:
 * one held the credentials every client signs with; a profile name with
 * `]` or the SSO command in it named right), +0.18 kB: 76,970 B. From
 * 77,100: requests still queued for a socket dropped at dispose() (the
 * agent's destroy sent them after dispose() resolved), +0.44 kB: 77,420 B.
 * From 77,500: options that cannot be options refused (a promise passed
 * without `await` took every default silently), +0.46 kB: 77,880 B. From
 * 78,000: the per-call provider warning told apart from tenants taking turns
 * beyond maxClients (a provider passed again is reused; a keyed provider
 * counts only when its key comes back with a new dependency), +0.82 kB:
 * 78,700 B. From 78,800: the `dbp:aws:*` channels made at load and held
 * (Bun dropped a channel nobody held, with a subscription made by name),
 * +0.13 kB: 78,830 B. From 78,900: an emptied socket queue deleted from
 * the agent (Node 22+ threw on one left behind), +0.03 kB: 78,860 B. From
 * 78,900: a dropped request handed a socket that never connects, so Node
 * ends it and the SDK clears its connect timer (which held the process for
 * the connection timeout), +0.14 kB: 79,000 B. From 79,100: the per-call
 * warning keeping a few dependencies per key (two long-lived sources taking
 * turns warned) and saying what a keyed trip saw, +0.29 kB: 79,290 B. From
 * 79,400: options that cannot be options told by their built-in tag (a
 * promise of another realm, or after `globalThis.Promise` was replaced, was
 * taken as options), +0.13 kB: 79,420 B. From 79,500: the last review's
 * fixes (a queued request's 'socket' listeners called one by one, so one
 * that throws stops nothing; the per-call warning counting a dependency
 * never seen before; the options checks above), +0.26 kB: 79,680 B. From
 * 79,800: warm()'s refusals naming warm(), and the default chain's failure
 * naming the profile AWS_PROFILE sets (it said only "from any providers"),
 * +0.47 kB: 80,210 B. From 80,300: a forced refresh that failed shared
 * with the late rejections of the same credentials (200 called the source
 * 33 times), and the cache's timers skipped where a runtime refuses them
 * (workerd at module scope), +0.12 kB: 80,330 B. From 80,400: a failing
 * provider's error told apart from the default chain's (it told the
 * caller of their own provider to configure the chain), +0.13 kB: 80,460 B.
 * From 80,500: the web build's errors saying, on Node, that the bundle was
 * made without the `node` condition (a Lambda bundled by Rollup's defaults
 * was told it ran in a browser; the text is in the one catalog), +0.3 kB:
 * 80,800 B. From 80,900: a rejection's forced refresh reading the shared
 * files again (rewritten credentials never healed), and the raw response's
 * body let go (its request held the signed token), +0.19 kB: 80,990 B.
 * From 81,100: an SDK setting given beside getClient's options told to go
 * in `config` (`getS3Client({ endpoint })`), +0.14 kB: 81,130 B. From
 * 81,200: review 12's second round (a response body printed without its
 * request, whose raw headers held the session token; the config hint
 * narrowed to a list of SDK settings; the files read again after a failed
 * lookup; the web-build hint kept out of workerd), +0.82 kB: 81,950 B.
 * From 82,000: the body serialised without its request too (pino and
 * winston logged the token), and a known SDK setting named before a near
 * option, +0.13 kB: 82,080 B. From 82,200: a profile missing from the
 * SDK's copy of the files looked up once more, afresh (one added while the
 * process ran failed its first lookup), +0.13 kB: 82,210 B.)
 */
const LAMBDA_OVERHEAD_BUDGET_BYTES = 82_300;

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
