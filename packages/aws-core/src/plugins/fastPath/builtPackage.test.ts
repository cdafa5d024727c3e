/**
 * The built package (dist), loaded in a plain Node process through its main
 * entry, serves cache hits from the fast path, default-chain hits included.
 * Tests run the sources, where a fast path bundled twice or a cycle between
 * built chunks does no harm; only the build shows it. Observable without a
 * clock: the full path reads and hashes more than a fast-path hit does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../../..', import.meta.url));

describe('the built Node package serves default-chain hits from the fast path', () => {
  // Once the Node build bundled the fast path twice (index.js and
  // runtime.node.js), each with its own `CHAIN` symbol, and default-chain
  // hits missed it. Observable without a clock: the full path reads a config
  // getter once more than the fast path does.
  const script = `
const { createClientFactory, defineService } = await import('@dbp/aws-core');
const service = defineService({ id: 'review', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
const factory = createClientFactory({ defaultRegion: 'us-east-1' });
const readsPerHit = (credentials) => {
  let reads = 0;
  const config = { get maxAttempts() { reads++; return 3; } };
  factory.getClient(service, { credentials, config });
  factory.getClient(service, { credentials, config });
  reads = 0;
  factory.getClient(service, { credentials, config });
  return reads;
};
console.log(JSON.stringify({ chain: readsPerHit(undefined), static: readsPerHit({ accessKeyId: 'AKID', secretAccessKey: 's' }) }));
`;

  it('reads a default-chain hit the way it reads an explicit-credentials hit', () => {
    expect(existsSync(`${packageDir}/dist/index.node.js`), 'build the package first (turbo runs build before test)').toBe(true);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const reads = JSON.parse(out.trim().split('\n').pop() as string) as { chain: number; static: number };
    expect(reads.static).toBe(1);
    expect(reads.chain).toBe(reads.static);
  });
});

// Built with code splitting, the package's main entry, its chunk of shared
// modules and its Node runtime module once imported each other (index →
// chunk → #runtime → chunk): the runtime module was evaluated before the
// chunk that defines the fast path, and every cache hit took the full path
// (validating, hashing, copying: ~1.5–2.5 µs instead of ~0.15 µs per hit,
// measured in the review). Tests run the sources, where such a cycle is
// harmless, so nothing else sees it. Loaded in a plain Node process, the
// built package must still serve a hit from the fast path. Observable
// without a clock: the full path builds the cache key (a JSON.stringify of
// its parts) on every call, a fast-path hit builds none.
const probe = `
const service = defineService({ id: 'probe', tier: 'standard', create: (config) => ({ config, destroy() {}, middlewareStack: { add() {} } }) });
const factory = createClientFactory({ defaultRegion: 'us-east-1' });
const stringify = JSON.stringify;
let keysBuilt = 0;
JSON.stringify = function (...args) { keysBuilt++; return stringify.apply(this, args); };
for (const credentials of [undefined, { accessKeyId: 'AKID', secretAccessKey: 's' }]) factory.getClient(service, { credentials });
keysBuilt = 0;
factory.getClient(service, {});
factory.getClient(service, { credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
JSON.stringify = stringify;
console.log(JSON.stringify({ keysBuilt }));
`;

describe('the built package, loaded through its main entry', () => {
  it.each([
    ['ESM (import)', ['--input-type=module', '-e', `const { createClientFactory, defineService } = await import('@dbp/aws-core');\n${probe}`]],
    ['CJS (require)', ['-e', `const { createClientFactory, defineService } = require('@dbp/aws-core');\n${probe}`]],
  ])('%s keeps the fast path of getClient', (_name, args) => {
    expect(existsSync(`${packageDir}/dist/index.node.js`), 'build the package first (turbo runs build before test)').toBe(true);
    const out = execFileSync(process.execPath, args, {
      cwd: packageDir,
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual({ keysBuilt: 0 });
  });
});
