// Bundles the page for browsers (`pnpm build`) and checks what went in:
// the core's web runtime and the SDK's browser build, nothing Node-only.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
const result = await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  minify: true,
  format: 'esm',
  // The browser platform adds the `browser` export condition and applies the
  // packages' `browser` field maps, as Vite and webpack do for web targets.
  platform: 'browser',
  target: 'es2022',
  outfile: 'dist/main.js',
  metafile: true,
  logLevel: 'warning',
});
copyFileSync('index.html', 'dist/index.html');

const inputs = Object.keys(result.metafile.inputs);
const output = result.metafile.outputs['dist/main.js'];
const problems = [
  !inputs.some((input) => input.endsWith('aws-core/dist/index.web.js')) && 'the core web build (index.web.js) is not in the bundle',
  inputs.some((input) => input.includes('aws-core/dist/index.node')) && 'the core Node build is in the bundle',
  inputs.some((input) => input.includes('credential-provider-node')) && 'the Node credential chain is in the bundle',
  inputs.some((input) => input.includes('/src/') && input.includes('packages/aws-')) && 'a package was bundled from its TypeScript sources, not dist/',
  (output?.imports ?? []).length > 0 && `the bundle still imports ${output.imports.map((i) => i.path).join(', ')}`,
].filter(Boolean);
if (problems.length > 0) {
  console.error(`✖ browser bundle:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
const code = readFileSync('dist/main.js');
console.log(`✓ dist/main.js: ${(code.length / 1000).toFixed(1)} kB minified, ${(gzipSync(code).length / 1000).toFixed(1)} kB gzip; web runtime, no Node code`);
