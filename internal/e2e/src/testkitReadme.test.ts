import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The testkit README's examples run as a user runs them (issue 15, points 3
// and 5). Each ```ts block of packages/aws-testkit/README.md is a complete ES
// module unless the line before its fence is a fragment marker (`<!--
// fragment -->` or `<!-- fragment: <declarations> -->`, the convention of the
// repository's README block checker). A complete block is transpiled by
// TypeScript, written inside this package (so `@dbp/aws-*` and the SDK
// clients resolve through its node_modules to the built packages, as in a
// user's project), and run by the host `node` with no AWS endpoint in the
// environment: it must exit 0 on its own within the time limit.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const README = join(root, 'packages', 'aws-testkit', 'README.md');
const work = fileURLToPath(new URL('../.tmp/testkit-readme/', import.meta.url));
const RUN_TIMEOUT_MS = 60_000;
/** The packages the blocks import, which must be built (turbo builds them before this package's tests). */
const BUILT = ['aws-core', 'aws-s3', 'aws-sts', 'aws-testkit'];

interface Block {
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
  readonly fragment: boolean;
}

/** The ```ts blocks of a Markdown file, each with whether a fragment marker precedes it. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i] ?? '')) continue;
    // The marker is an HTML comment ending on the line before the fence (it may span lines).
    let start = i - 1;
    if ((lines[start] ?? '').trimEnd().endsWith('-->')) while (start > 0 && !(lines[start] ?? '').includes('<!--')) start--;
    const fragment = (lines[i - 1] ?? '').trimEnd().endsWith('-->') && /^\s*<!--\s*fragment\b/.test(lines[start] ?? '');
    const end = lines.indexOf('```', i + 1);
    if (end === -1) throw new Error(`${README}:${i + 1}: a block that never closes`);
    blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), fragment });
    i = end;
  }
  return blocks;
}

/** Runs a file with the host node; resolves with its exit code (null when killed at the time limit) and output. */
function runNode(file: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' };
  // No endpoint from the environment: an example reaches the local endpoints only as it says.
  for (const name of Object.keys(env)) if (name.startsWith('AWS_ENDPOINT_URL')) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: work, env, timeout: RUN_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const blocks = blocksOf(readFileSync(README, 'utf8'));
const complete = blocks.filter((block) => !block.fragment);

beforeAll(() => {
  for (const name of BUILT) {
    // Each package's own entry (the core's is dist/index.node.cjs since the kernel split, not dist/index.js).
    const { main } = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as { main: string };
    expect(existsSync(join(root, 'packages', name, main)), `build ${name} first (turbo runs build before test)`).toBe(true);
  }
  mkdirSync(work, { recursive: true });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('packages/aws-testkit/README.md', () => {
  it('has complete examples to run, and marks every other block as a fragment', () => {
    // The Use example and the assumeRole example at least; a parser that found nothing would prove nothing.
    expect(complete.length).toBeGreaterThanOrEqual(2);
    expect(complete.some((block) => block.code.includes('stsConfig: local.clientOptions('))).toBe(true);
    // Every block either imports what it uses (complete) or says it is a fragment.
    for (const block of blocks) expect(block.fragment || /^import /m.test(block.code), `README.md:${block.line}`).toBe(true);
  });

  it.each(complete.map((block) => [block.line, block] as const))('the block at line %i runs and exits 0 on its own', async (line, block) => {
    const { outputText, diagnostics } = ts.transpileModule(block.code, {
      fileName: `block-${line}.ts`,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    expect(diagnostics ?? []).toEqual([]);
    const file = join(work, `block-${line}.mjs`);
    writeFileSync(file, outputText);
    const { code, output } = await runNode(file);
    expect(code === null ? `killed after ${RUN_TIMEOUT_MS} ms` : code, `README.md:${line}:\n${output}`).toBe(0);
  });
});
