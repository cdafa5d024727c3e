// Bundles the handler for the Lambda zip (`pnpm build`): dist/handler.mjs,
// handler `handler.handler`, built the way AWS documents (esbuild.config.mjs),
// then checks what went in: the packages' built dist (never their sources),
// the core's Node runtime, and no import left but Node's own modules.
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { lambdaBuildOptions } from './esbuild.config.mjs';

rmSync('dist', { recursive: true, force: true });
const result = await build(lambdaBuildOptions({ entryPoints: ['src/handler.ts'], outfile: 'dist/handler.mjs' }));

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const inputs = Object.keys(result.metafile.inputs);
const imports = result.metafile.outputs['dist/handler.mjs']?.imports ?? [];
const problems = [
  !inputs.some((input) => input.endsWith('aws-core/dist/index.node.js')) && 'the core Node build (index.node.js) is not in the bundle',
  inputs.some((input) => input.includes('aws-core/dist/index.web')) && 'the core web build is in the bundle',
  inputs.some((input) => input.includes('/src/') && input.includes('packages/aws-')) && 'a package was bundled from its TypeScript sources, not dist/',
  ...imports.filter((entry) => !builtins.has(entry.path)).map((entry) => `the bundle still imports ${entry.path}: a Lambda zip has no node_modules`),
].filter(Boolean);
if (problems.length > 0) {
  console.error(`✖ Lambda bundle:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  process.exit(1);
}
const code = readFileSync('dist/handler.mjs');
console.log(
  `✓ dist/handler.mjs: ${(code.length / 1000).toFixed(1)} kB minified, ${(gzipSync(code).length / 1000).toFixed(1)} kB gzip; one file, Node built-ins only`,
);
