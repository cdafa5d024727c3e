import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runInRuntime } from '../src/serverRuntime.js';
import { serverRuntimeSuite } from '../src/serverRuntimeSuite.js';

serverRuntimeSuite('deno');

describe('Deno: the testkit itself, run in Deno', () => {
  // Its S3 runs s3rver in a child process (`-e`, which Deno's node:child_process runs as `deno
  // eval`, argv shifted by one): the child once took s3rver's own module file for its storage
  // directory and removed it from node_modules on exit, breaking the testkit on every runtime.
  it('serves an S3 round trip and leaves node_modules as it found it', async () => {
    const s3rverModule = createRequire(createRequire(import.meta.url).resolve('@dbp/aws-testkit')).resolve('s3rver');
    const run = await runInRuntime(
      'deno',
      fileURLToPath(new URL('../src/apps/testkitInDeno.ts', import.meta.url)),
      // Its servers listen on 127.0.0.1; s3rver runs in a child (Deno itself) and stores in a temporary directory.
      ['--allow-net=127.0.0.1', '--allow-run', '--allow-write'],
      {},
      120_000,
    );
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 0,
      stdout: JSON.stringify({ body: 'hello from the testkit in Deno' }),
      stderr: '',
    });
    expect(existsSync(s3rverModule)).toBe(true);
  }, 150_000);
});
