import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// scripts/import-graph.mjs (a CI step) must fail on every import that closes a
// cycle in the core, however it is spelt. Each case runs the script on a copy
// of the package (its package.json and src) with one import added.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('../../../scripts/import-graph.mjs', import.meta.url));
const copies: string[] = [];

function copyOfPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbp-import-graph-'));
  copies.push(dir);
  cpSync(join(packageDir, 'package.json'), join(dir, 'package.json'));
  cpSync(join(packageDir, 'src'), join(dir, 'src'), { recursive: true });
  return dir;
}

function check(dir: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [script, '--package', dir], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('scripts/import-graph.mjs', () => {
  it('passes the package as it is', () => {
    expect(check(copyOfPackage())).toMatchObject({ status: 0 });
  });

  it('fails on a relative cycle, type-only included', () => {
    const dir = copyOfPackage();
    appendFileSync(join(dir, 'src/kernel/limits.ts'), "\nimport type { TierConfig } from './tiers.js';\nexport type Tier = TierConfig;\n");
    const { status, output } = check(dir);
    expect(status).toBe(1);
    expect(output).toContain('kernel/limits.ts → kernel/tiers.ts');
  });

  it("fails on a cycle through the package's own name (the kernel importing '@dbp/aws-core' reaches the entries)", () => {
    const dir = copyOfPackage();
    appendFileSync(
      join(dir, 'src/kernel/limits.ts'),
      "\nimport type { ClientFactoryOptions } from '@dbp/aws-core';\nexport type Options = ClientFactoryOptions;\n",
    );
    const { status, output } = check(dir);
    expect(status).toBe(1);
    expect(output).toMatch(/import cycle/);
    expect(output).toContain('the kernel imports an entry: kernel/limits.ts → index.node.ts');
  });

  it('fails on a cycle through a package.json "imports" specifier (#name), as the last one went through #runtime', () => {
    const dir = copyOfPackage();
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { imports: Record<string, unknown> };
    manifest.imports['#tiers'] = { '@dbp/source': './src/kernel/tiers.ts', default: './dist/tiers.js' };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    appendFileSync(join(dir, 'src/kernel/limits.ts'), "\nimport type { TierConfig } from '#tiers';\nexport type Tier = TierConfig;\n");
    const { status, output } = check(dir);
    expect(status).toBe(1);
    expect(output).toContain('kernel/limits.ts → kernel/tiers.ts');
  });
});
