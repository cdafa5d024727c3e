/**
 * Every service package bundles into one file that runs with plain `node`
 * from an empty folder, the way a Lambda zip runs: a handler bundled with
 * esbuild (ESM and CommonJS) and webpack (ESM and CommonJS) gets its client
 * through the package's getter and does one real request against the
 * testkit. A lazy load that a bundler cannot follow (`createRequire`, a
 * computed `require`/`import()`) leaves the bundle asking for a package at
 * run time, and there is none to find: `Cannot find module …`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createClientFactory } from '@dbp/aws-core';
import { dynamodb } from '@dbp/aws-dynamodb';
import { s3 } from '@dbp/aws-s3';
import { LOCAL_SERVICES, type LocalAws, type LocalServiceName, startLocalAws } from '@dbp/aws-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, TMP_DIR } from '../src/bundle.js';
import { runInEmptyDir } from '../src/emptyDir.js';
import { bundleExtension, bundleForNode, isBuiltin, NODE_BUNDLERS, type NodeBundleResult, type NodeBundler } from '../src/nodeBundle.js';
import { type ServiceEntry, serviceEntries } from '../src/servicePackages.js';
import { handlerSource, SETUP_NAME, serviceRequest } from '../src/serviceRequests.js';

const services: ServiceEntry[] = await serviceEntries();
/** The negative control: a fixture that loads a package the way no bundler can follow. */
const CONTROL = 'unfollowable-load';
const bundles = new Map<NodeBundler, Record<string, NodeBundleResult>>();
let local: LocalAws;

beforeAll(async () => {
  local = await startLocalAws({ services: services.map((service) => service.id as LocalServiceName) });
  const setup = createClientFactory();
  try {
    await setup.getClient(s3, local.clientOptions('s3')).send(new CreateBucketCommand({ Bucket: SETUP_NAME }));
    await setup.getClient(dynamodb, local.clientOptions('dynamodb')).send(
      new CreateTableCommand({
        TableName: SETUP_NAME,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    setup.dispose();
  }
  // The handlers live in this package, so they resolve @dbp/aws-* and the SDK as an application would (built dist, pnpm symlinks).
  const entryDir = join(TMP_DIR, 'bundlers');
  mkdirSync(entryDir, { recursive: true });
  const entries: Record<string, string> = { [CONTROL]: fileURLToPath(new URL('../src/fixtures/unfollowableLoad.mjs', import.meta.url)) };
  for (const service of services) {
    const file = join(entryDir, `${service.id}.mjs`);
    writeFileSync(file, handlerSource(service));
    entries[service.id] = file;
  }
  // esbuild configurations in parallel; the two webpack compilations one after another (each is one process-bound compile).
  await Promise.all(
    NODE_BUNDLERS.filter((bundler) => bundler.startsWith('esbuild')).map(async (bundler) =>
      bundles.set(bundler, await bundleForNode(bundler, entries, { context: PACKAGE_DIR })),
    ),
  );
  for (const bundler of NODE_BUNDLERS.filter((name) => name.startsWith('webpack')))
    bundles.set(bundler, await bundleForNode(bundler, entries, { context: PACKAGE_DIR }));
}, 240_000);

afterAll(async () => {
  await local?.stop();
});

describe('the service list', () => {
  it('finds the service packages in the workspace, each one the testkit can serve and with a request to make', () => {
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      expect(LOCAL_SERVICES).toContain(service.id);
      expect(serviceRequest(service.id).operation).toMatch(/^[A-Z]\w+$/);
    }
  });
});

describe.each(NODE_BUNDLERS)('bundled with %s into one file', (bundler) => {
  it('fails from the empty folder when a package is loaded in a way the bundler cannot follow (the check can fail)', async () => {
    const built = bundles.get(bundler)?.[CONTROL];
    if (!built) throw new Error(`${bundler} made no bundle of the control`);
    const file = `control${bundleExtension(bundler)}`;
    const run = await runInEmptyDir({ [file]: built.code }, process.execPath, (dir) => [join(dir, file)], { timeoutMs: 60_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Cannot find module '@aws-sdk/client-s3'");
  });

  it.each(services.map((service) => [service.name, service] as const))(
    '%s: runs from an empty folder with plain node and makes its request',
    async (_name, service) => {
      const built = bundles.get(bundler)?.[service.id];
      if (!built) throw new Error(`${bundler} made no bundle for ${service.id}`);
      // Only Node built-ins may stay imports: anything else needs a node_modules the zip does not have.
      expect(built.externals.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
      // The bundler saw no load it could not follow in our packages.
      expect(built.warnings.filter((warning) => /packages\/aws-|@dbp\//.test(warning))).toEqual([]);

      const request = serviceRequest(service.id);
      const options = local.clientOptions(service.id as LocalServiceName);
      const before = local.requests.count(service.id as LocalServiceName, {
        operation: request.operation,
        accessKeyId: options.credentials.accessKeyId,
        status: 200,
      });
      const file = `handler${bundleExtension(bundler)}`;
      const run = await runInEmptyDir({ [file]: built.code }, process.execPath, (dir) => [join(dir, file)], {
        env: {
          DBP_TARGET: JSON.stringify({ region: options.region, credentials: options.credentials, endpoint: options.config.endpoint }),
          AWS_EC2_METADATA_DISABLED: 'true',
          // The SDK's notice that its 2027 releases need Node 22: stderr must otherwise stay empty.
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        timeoutMs: 60_000,
      });

      // It ended by itself (no SIGKILL after the time limit), cleanly, and said nothing on stderr.
      expect({ code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
      expect(JSON.parse(run.stdout)).toEqual({ status: 200, picked: request.expected, sameClient: true });
      const after = local.requests.count(service.id as LocalServiceName, {
        operation: request.operation,
        accessKeyId: options.credentials.accessKeyId,
        status: 200,
      });
      expect(after - before).toBe(1);
      expect(local.requests.entries(service.id as LocalServiceName).at(-1)).toMatchObject({ operation: request.operation, signatureValid: true });
    },
  );
});
