/**
 * The ESM and CJS builds of a service package in one process share clients
 * (a definition is keyed by its `origin`), so clearing by either copy's
 * definition clears them. (Found by an adversarial review: `clearCache`
 * once compared definitions by identity.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

// A plain Node process (no test-runner resolution): the built ESM and CJS
// copies of @dbp/aws-s3, as an app that mixes `import` and `require` loads them.
const script = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const esm = await import('@dbp/aws-s3');
const cjs = require('@dbp/aws-s3');
const { createClientFactory } = await import('@dbp/aws-core');
const factory = createClientFactory({ defaultRegion: 'us-east-1' });
const options = { credentials: { accessKeyId: 'AKIDDUAL', secretAccessKey: 'dual-secret' } };
const first = factory.getClient(esm.s3, options);
const results = {
  distinctDefinitions: esm.s3 !== cjs.s3,
  sharedClient: factory.getClient(cjs.s3, options) === first,
  removedByOtherCopy: factory.clearCache({ service: cjs.s3 }),
};
results.freshAfterClear = factory.getClient(cjs.s3, options) !== first;
await factory.dispose();
console.log(JSON.stringify(results));
`;

describe('clearCache with the other copy of a service package', () => {
  it('removes the clients the two copies share (ESM getClient, CJS clearCache)', () => {
    const require = createRequire(import.meta.url);
    expect(existsSync(require.resolve('@dbp/aws-s3')), 'build the packages first (turbo runs build before test)').toBe(true);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: here,
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual({
      distinctDefinitions: true,
      sharedClient: true,
      removedByOtherCopy: 1,
      freshAfterClear: true,
    });
  });
});

// Review 13 (P): each copy of @dbp/aws-sts knew only the sources it built, so an ES module
// assumeRole() given as the CommonJS copy's source was not seen as role chaining.
const chainScript = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const esm = await import('@dbp/aws-sts');
const cjs = require('@dbp/aws-sts');
const source = { accessKeyId: 'AKIDDUAL', secretAccessKey: 'dual-secret' };
const refusal = (assumeRole, from) => {
  try {
    assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/app', source: from, durationSeconds: 7200 });
    return 'accepted';
  } catch (error) {
    return error.code;
  }
};
const hub = (assumeRole) => assumeRole({ roleArn: 'arn:aws:iam::111122223333:role/hub', source });
console.log(JSON.stringify({ esmInCjs: refusal(cjs.assumeRole, hub(esm.assumeRole)), cjsInEsm: refusal(esm.assumeRole, hub(cjs.assumeRole)) }));
`;

describe('role chaining across the two copies of @dbp/aws-sts', () => {
  it('refuses a chained durationSeconds over an hour whichever copy built the source', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', chainScript], {
      cwd: here,
      encoding: 'utf8',
      env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    expect(JSON.parse(out.trim().split('\n').at(-1) as string)).toEqual({ esmInCjs: 'INVALID_CREDENTIALS', cjsInEsm: 'INVALID_CREDENTIALS' });
  });
});
