import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CORE_PACKAGES_FILE,
  corePackagesModule,
  inspectServices,
  MANIFEST_FILE,
  README_END,
  README_START,
  REPO_ROOT,
  readmeTable,
  SERVICES,
  syncCorePackages,
  syncReadme,
  writeServiceEntry,
} from './index.js';

describe('the repository', () => {
  it('lists every packages/* folder that depends on an @aws-sdk/client-* package, and nothing else', () => {
    const wrapping = readdirSync(join(REPO_ROOT, 'packages'))
      .map((name) => JSON.parse(readFileSync(join(REPO_ROOT, 'packages', name, 'package.json'), 'utf8')))
      .filter((pkg) => Object.keys(pkg.dependencies ?? {}).some((dep) => dep.startsWith('@aws-sdk/client-')))
      .map((pkg) => pkg.name as string)
      .sort();
    expect(SERVICES.map((service) => service.package).sort()).toEqual(wrapping);
    expect(inspectServices().errors).toEqual([]);
  });

  it('derives folder, SDK package, getter and definition export from an entry', () => {
    const bedrock = SERVICES.find((service) => service.id === 'bedrock-runtime');
    expect(bedrock).toMatchObject({
      package: '@dbp/aws-bedrock',
      folder: 'packages/aws-bedrock',
      dir: join(REPO_ROOT, 'packages/aws-bedrock'),
      sdk: '@aws-sdk/client-bedrock-runtime',
      client: 'BedrockRuntimeClient',
      getter: 'getBedrockRuntimeClient',
      definition: 'bedrockRuntime',
      nodeHandler: 'http2',
    });
  });

  it('keeps the README table in step with the manifest', () => {
    expect(syncReadme(REPO_ROOT, SERVICES)).toEqual([]);
  });
});

describe(inspectServices.name, () => {
  let root: string;
  const entry = (name: string, overrides: Record<string, unknown> = {}) => ({
    package: `@dbp/aws-${name}`,
    id: name,
    client: `${name.toUpperCase()}Client`,
    tier: 'standard',
    nodeHandler: 'http1',
    sizeLimit: '50 kB',
    ...overrides,
  });
  const writeManifest = (services: unknown[]): void => {
    mkdirSync(join(root, 'internal/services'), { recursive: true });
    writeFileSync(join(root, MANIFEST_FILE), JSON.stringify({ services }));
  };
  const writePackage = (folder: string, pkg: Record<string, unknown>): void => {
    mkdirSync(join(root, 'packages', folder), { recursive: true });
    writeFileSync(join(root, 'packages', folder, 'package.json'), JSON.stringify(pkg));
  };
  const servicePackage = (name: string, sdk = `@aws-sdk/client-${name}`) => ({
    name: `@dbp/aws-${name}`,
    dependencies: { '@dbp/aws-core': 'workspace:^', [sdk]: '^3.0.0' },
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dbp-services-'));
    writePackage('aws-core', { name: '@dbp/aws-core', dependencies: { '@aws-sdk/core': '^3.0.0' } });
    writePackage('aws-testkit', { name: '@dbp/aws-testkit', devDependencies: { '@aws-sdk/client-s3': '^3.0.0' } });
    writePackage('aws-sqs', servicePackage('sqs'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a workspace whose service packages are all listed, and ignores core and testkit', () => {
    writeManifest([entry('sqs')]);
    const { services, errors } = inspectServices(root);
    expect(errors).toEqual([]);
    expect(services).toEqual([
      expect.objectContaining({ package: '@dbp/aws-sqs', sdk: '@aws-sdk/client-sqs', getter: 'getSQSClient', definition: 'sqs', folder: 'packages/aws-sqs' }),
    ]);
  });

  it('fails for a service package that the manifest does not list', () => {
    writePackage('aws-sts', servicePackage('sts'));
    writeManifest([entry('sqs')]);
    expect(inspectServices(root).errors).toEqual([expect.stringMatching(/^packages\/aws-sts \(@dbp\/aws-sts\) depends on @aws-sdk\/client-sts but is not in/)]);
  });

  it('fails for an entry without a package', () => {
    writeManifest([entry('sqs'), entry('sts')]);
    expect(inspectServices(root).errors).toEqual([expect.stringContaining('packages/aws-sts/package.json does not exist')]);
  });

  it('fails for an entry whose package wraps no SDK client, or more than one', () => {
    writePackage('aws-sts', { name: '@dbp/aws-sts', dependencies: { '@dbp/aws-core': 'workspace:^' } });
    writePackage('aws-sns', { name: '@dbp/aws-sns', dependencies: { '@aws-sdk/client-sns': '^3', '@aws-sdk/client-sqs': '^3' } });
    writeManifest([entry('sqs'), entry('sts'), entry('sns')]);
    expect(inspectServices(root).errors).toEqual([
      expect.stringMatching(/\(@dbp\/aws-sts\): .* exactly one @aws-sdk\/client-\* dependency, has none$/),
      expect.stringMatching(/\(@dbp\/aws-sns\): .* has @aws-sdk\/client-sns, @aws-sdk\/client-sqs$/),
    ]);
  });

  it('fails for malformed, unknown, missing and duplicated fields', () => {
    writeManifest([
      entry('sqs', { nodeHandler: 'http3', sizeLimit: 93, extra: true }),
      entry('sqs', { client: 'OtherClient' }),
      { ...entry('sns'), tier: undefined },
    ]);
    const { errors } = inspectServices(root);
    expect(errors).toEqual([
      expect.stringContaining('"nodeHandler" is "http3"'),
      expect.stringContaining('"sizeLimit" is 93'),
      expect.stringContaining('unknown field "extra"'),
      expect.stringContaining('"package" "@dbp/aws-sqs" is listed twice'),
      expect.stringContaining('"id" "sqs" is listed twice'),
      expect.stringContaining('"tier" is undefined'),
    ]);
  });

  it('fails when the manifest is not there or has no services list', () => {
    expect(inspectServices(root).errors).toEqual([expect.stringContaining(`${MANIFEST_FILE}: cannot be read`)]);
    mkdirSync(join(root, 'internal/services'), { recursive: true });
    writeFileSync(join(root, MANIFEST_FILE), JSON.stringify([entry('sqs')]));
    expect(inspectServices(root).errors).toEqual([`${MANIFEST_FILE}: expected { "services": [ … ] }`]);
  });

  it('checks the README table, and rewrites only the generated lines', () => {
    writeManifest([entry('sqs')]);
    const { services } = inspectServices(root);
    const readme = (table: string): string => `# Title\n\nBefore.\n\n${table}\n\nAfter.\n`;
    writeFileSync(join(root, 'README.md'), readme(`${README_START}\n| stale |\n${README_END}`));
    expect(syncReadme(root, services)).toEqual([expect.stringContaining('the service table is out of date')]);
    expect(syncReadme(root, services, { write: true })).toEqual([]);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe(readme(readmeTable(services)));
    expect(syncReadme(root, services)).toEqual([]);
    expect(readmeTable(services)).toContain("| `@dbp/aws-sqs` | `'sqs'` | `@aws-sdk/client-sqs` (`SQSClient`) | standard | `sqs`, `getSQSClient()`");
    writeFileSync(join(root, 'README.md'), '# No table\n');
    expect(syncReadme(root, services)).toEqual([expect.stringContaining('are missing')]);
  });
});

describe(syncCorePackages.name, () => {
  it("is up to date in the repository: the core's list of service packages is the manifest's", () => {
    expect(syncCorePackages(REPO_ROOT, SERVICES)).toEqual([]);
    expect(readFileSync(join(REPO_ROOT, CORE_PACKAGES_FILE), 'utf8')).toContain("'bedrock-runtime': '@dbp/aws-bedrock',");
  });

  it('reports a missing or stale list, and --write makes it the manifest', () => {
    const root = mkdtempSync(join(tmpdir(), 'dbp-core-packages-'));
    try {
      const [s3] = SERVICES.filter((service) => service.id === 's3');
      expect(syncCorePackages(root, [s3!])).toEqual([expect.stringContaining(`${CORE_PACKAGES_FILE} is missing`)]);
      mkdirSync(join(root, CORE_PACKAGES_FILE, '..'), { recursive: true });
      writeFileSync(join(root, CORE_PACKAGES_FILE), corePackagesModule(SERVICES));
      expect(syncCorePackages(root, [s3!])).toEqual([expect.stringContaining(`${CORE_PACKAGES_FILE} is out of date`)]);
      expect(syncCorePackages(root, [s3!], { write: true })).toEqual([]);
      expect(readFileSync(join(root, CORE_PACKAGES_FILE), 'utf8')).toBe(corePackagesModule([s3!]));
      expect(corePackagesModule([s3!])).toContain("  s3: '@dbp/aws-s3',\n};");
      expect(syncCorePackages(root, [s3!])).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe(writeServiceEntry.name, () => {
  it("writes into the package's git-ignored .tmp/entries and returns the path", () => {
    const s3 = SERVICES.find((service) => service.id === 's3')!;
    // A name of this process's own: the suite may run on two Nodes at once (pnpm test), and this test removes its file.
    const name = `services-test-${process.pid}.mjs`;
    const file = writeServiceEntry(s3, name, 'export {};\n', 'internal/services/src/index.test.ts');
    try {
      expect(file).toBe(join(s3.dir, '.tmp', 'entries', name));
      expect(readdirSync(join(s3.dir, '.tmp', 'entries')).filter((entry) => entry.endsWith(`.${process.pid}.partial`))).toEqual([]);
      expect(readFileSync(file, 'utf8')).toBe(
        `// Generated by internal/services/src/index.test.ts from ${MANIFEST_FILE}; rewritten on every run.\nexport {};\n`,
      );
    } finally {
      rmSync(file, { force: true });
    }
  });
});
