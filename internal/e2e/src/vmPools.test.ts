// vitest's vmThreads and vmForks pools run each test file in a `vm` context,
// where Node 20 and 22 have no Symbol.asyncDispose: `await using` (compiled by
// vitest's esbuild) looks for Symbol.for('Symbol.asyncDispose') there, and a
// factory or the testkit without it threw "Object is not disposable"
// (review 15). Run in a child vitest, on this process's Node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = fileURLToPath(new URL('../.tmp/vm-pools/', import.meta.url));
const vitest = fileURLToPath(new URL('../../../node_modules/vitest/vitest.mjs', import.meta.url));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['vmThreads', 'vmForks'])('a test file in vitest pool %s', (pool) => {
  it('disposes a factory and the testkit with `await using`', () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vitest.config.mjs'), 'export default {};\n');
    writeFileSync(
      join(dir, 'awaitUsing.test.ts'),
      [
        "import { ListBucketsCommand } from '@aws-sdk/client-s3';",
        "import { createClientFactory } from '@dbp/aws-core';",
        "import { s3 } from '@dbp/aws-s3';",
        "import { startLocalAws } from '@dbp/aws-testkit';",
        "import { expect, test } from 'vitest';",
        "test('await using', async () => {",
        '  let factory: ReturnType<typeof createClientFactory> | undefined;',
        '  {',
        "    await using local = await startLocalAws({ services: ['s3'] });",
        '    await using inner = createClientFactory();',
        '    factory = inner;',
        "    await inner.getClient(s3, local.clientOptions('s3')).send(new ListBucketsCommand({}));",
        '  }',
        '  expect(factory?.disposed).toBe(true);',
        '});',
        '',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, [vitest, 'run', '--root', dir, `--pool=${pool}`], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/1 passed/);
  }, 150_000);
});
