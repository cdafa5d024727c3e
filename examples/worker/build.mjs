// Bundles the Worker as wrangler does (`pnpm build`) and checks what went in:
// @dbp/aws-s3's edge entry (with its DOMParser for the SDK's XML parser), the
// core's web runtime, nothing Node-only, no import left unresolved.
import { readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/worker.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  // wrangler: the `workerd`, `worker` and `browser` conditions, browser field maps.
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  target: 'es2022',
  outfile: 'dist/worker.js',
  metafile: true,
  logLevel: 'warning',
});

const inputs = Object.keys(result.metafile.inputs);
const output = result.metafile.outputs['dist/worker.js'];
const problems = [
  !inputs.some((input) => input.endsWith('aws-s3/dist/index.edge.js')) && "@dbp/aws-s3's edge entry (index.edge.js) is not in the bundle",
  !inputs.some((input) => input.endsWith('aws-core/dist/index.web.js')) && 'the core web build (index.web.js) is not in the bundle',
  inputs.some((input) => input.includes('aws-core/dist/index.node')) && 'the core Node build is in the bundle',
  inputs.some((input) => input.includes('credential-provider-node')) && 'the Node credential chain is in the bundle',
  (output?.imports ?? []).length > 0 && `the bundle still imports ${output.imports.map((i) => i.path).join(', ')}`,
].filter(Boolean);
if (problems.length > 0) {
  console.error(`✖ worker bundle:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
const code = readFileSync('dist/worker.js');
console.log(
  `✓ dist/worker.js: ${(code.length / 1000).toFixed(1)} kB minified, ${(gzipSync(code).length / 1000).toFixed(1)} kB gzip; edge entry, web runtime, no Node code`,
);
