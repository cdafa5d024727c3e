/**
 * A production web build (esbuild, browser platform, minified,
 * `process.env.NODE_ENV` = "production", as Vite, webpack and Next.js build
 * an app) carries no message text, yet every documented field of every error
 * survives: `code` everywhere, and `region` and `suggestion` on
 * AwsRegionError, computed by the kernel in every build. The development
 * build of the same entry shows the full texts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle, TMP_DIR } from '../src/bundle.js';
import { ROOT_DIR } from '../src/servicePackages.js';

/** What the entry reports of each refused call. */
interface Refusal {
  readonly name: string;
  readonly isRegionError: boolean;
  readonly code: string;
  readonly region: string | undefined;
  readonly suggestion: string | undefined;
  readonly message: string;
}

const ENTRY = `
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AwsClientError, AwsRegionError, createClientFactory } from '@dbp/aws-core';
import { s3 } from '@dbp/aws-s3';
import '@dbp/aws-s3/register';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' };
function refusal(call) {
  const factory = createClientFactory({ regionValidation: 'strict' });
  try { call(factory); } catch (error) {
    return { name: error.name, isRegionError: error instanceof AwsRegionError, isClientError: error instanceof AwsClientError, code: error.code, region: error.region, suggestion: error.suggestion, message: error.message };
  }
  return undefined;
}
// A service rejecting explicit credentials as expired (DynamoDB's JSON error, from a request
// handler that answers without a network; the client by its class, so no service package's name is
// in the bundle): the error names whose credentials they were by field.
export const rejected = await (async () => {
  const factory = createClientFactory();
  const body = JSON.stringify({ __type: 'com.amazon.coral.service#ExpiredTokenException', message: 'The security token included in the request is expired' });
  const expired = { handle: async () => ({ response: { statusCode: 400, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': 'ExpiredTokenException' }, body: new Blob([body]) } }) };
  const client = factory.getClient(DynamoDBClient, { region: 'us-east-1', credentials, config: { requestHandler: expired } });
  try {
    await client.send(new ListTablesCommand({}));
    return { code: 'sent' };
  } catch (error) {
    return { name: error.name, code: error.code, credentialId: error.credentialId, statsCredentialId: factory.stats().entries[0]?.credentialId };
  } finally {
    await factory.dispose();
  }
})();
export const refusals = {
  malformed: refusal((f) => f.getClient(s3, { region: 'us-east-l', credentials })),
  unknown: refusal((f) => f.getClient(s3, { region: 'xx-north-9', credentials })),
  missing: refusal((f) => f.getClient(s3, { credentials })),
  service: refusal((f) => f.getClient('s4', { region: 'us-east-1', credentials })),
};
// A misspelt serviceTiers key: refused by the development aids, accepted (as before them) where they are dropped.
export const serviceTierTypo = (() => {
  try { createClientFactory({ serviceTiers: { athenna: 'data' } }).dispose(); return 'accepted'; } catch (error) { return error.code + ': ' + error.message; }
})();
// An endpoint without its scheme: refused by the development aids; where they are dropped, the SDK's own TypeError at the first request.
export const endpointTypo = (() => {
  try { createClientFactory().getClient(s3, { region: 'us-east-1', credentials, config: { endpoint: '127.0.0.1:4566' } }); return 'accepted'; } catch (error) { return error.code + ': ' + error.message; }
})();
`;

async function run(
  name: string,
  production: boolean,
): Promise<{ code: string; refusals: Record<string, Refusal>; rejected: Record<string, unknown>; serviceTierTypo: string; endpointTypo: string }> {
  const built = await bundle('browser', {
    contents: ENTRY,
    minify: production,
    extra: production ? { define: { 'process.env.NODE_ENV': '"production"' } } : { define: { 'process.env.NODE_ENV': '"development"' } },
  });
  mkdirSync(TMP_DIR, { recursive: true });
  const file = join(TMP_DIR, `production-errors-${name}-${process.pid}.mjs`);
  writeFileSync(file, built.code);
  const { refusals, rejected, serviceTierTypo, endpointTypo } = (await import(pathToFileURL(file).href)) as {
    refusals: Record<string, Refusal>;
    rejected: Record<string, unknown>;
    serviceTierTypo: string;
    endpointTypo: string;
  };
  return { code: built.code, refusals, rejected, serviceTierTypo, endpointTypo };
}

/**
 * The catalog's texts, read from its source: every piece of a string or
 * template literal of 24 characters or more (but module names and the
 * message ids it is keyed by), in plain ASCII without quotes
 * or backslashes (so a minifier's choice of quotes and escapes cannot hide
 * one from the check).
 */
function catalogTexts(): string[] {
  const file = join(ROOT_DIR, 'packages', 'aws-core', 'src', 'plugins', 'dev', 'messages.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const texts = new Set<string>();
  const visit = (node: ts.Node): void => {
    // Module names and the catalog's keys (message ids, which every build uses) are no texts.
    if (ts.isImportDeclaration(node) || (node.parent !== undefined && ts.isPropertyAssignment(node.parent) && node.parent.name === node)) return;
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      // A name (an SDK setting the hints list, such as `requestChecksumCalculation`) is no text: the SDK's own code has it too.
      for (const piece of node.text.split(/[^\x20-\x7e]|["'`\\]/)) if (piece.trim().length >= 24 && !/^[A-Za-z_$][\w$]*$/.test(piece)) texts.add(piece);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...texts];
}

let production: Awaited<ReturnType<typeof run>>;
let development: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  production = await run('production', true);
  development = await run('development', false);
});

describe('errors of a production web build', () => {
  it("keep AwsRegionError's suggestion for a malformed region, with a short message", () => {
    const { malformed } = production.refusals;
    expect(malformed).toMatchObject({ name: 'AwsRegionError', isRegionError: true, code: 'INVALID_REGION', region: 'us-east-l', suggestion: 'us-east-1' });
    expect(malformed?.message).toMatch(/^\[@dbp\/aws\] INVALID_REGION\.malformed — https?:\/\/\S+#invalid_region$/);
    expect(malformed?.message.length).toBeLessThan(120);
    expect(malformed?.message).not.toContain('did you mean');
  });

  it("keep AwsCredentialError's credentialId when a service rejects explicit credentials, as in development", () => {
    expect(production.rejected).toMatchObject({ name: 'AwsCredentialError', code: 'CREDENTIALS_REJECTED' });
    expect(production.rejected.credentialId).toMatch(/^[0-9a-f]{12}$/);
    expect(production.rejected.credentialId).toBe(production.rejected.statsCredentialId);
    expect(development.rejected.credentialId).toBe(development.rejected.statsCredentialId);
  });

  it('keep code and region on every other error', () => {
    expect(production.refusals.unknown).toMatchObject({ isRegionError: true, code: 'UNKNOWN_REGION', region: 'xx-north-9', suggestion: undefined });
    expect(production.refusals.missing).toMatchObject({ isRegionError: true, code: 'MISSING_REGION', region: '' });
    expect(production.refusals.service).toMatchObject({ name: 'AwsClientError', isClientError: true, code: 'UNKNOWN_SERVICE' });
    for (const refusal of Object.values(production.refusals)) expect(refusal.message).toMatch(/^\[@dbp\/aws\] [A-Z_]+(\.[A-Za-z]+)? — https?:\/\/\S+#[a-z_]+$/);
  });

  it('carry none of the message texts, which the development build shows in full with the same fields', () => {
    expect(production.code).not.toContain('did you mean');
    expect(production.code).not.toContain('Registered:');
    expect(development.refusals.malformed).toMatchObject({ code: 'INVALID_REGION', region: 'us-east-l', suggestion: 'us-east-1' });
    expect(development.refusals.malformed?.message).toBe("Region 'us-east-l' is not a valid AWS region — did you mean 'us-east-1'?");
    expect(development.refusals.service?.message).toContain("Did you mean 's3'?");
    expect(production.code).not.toContain('@dbp/aws-dynamodb'); // the service manifest's package names are the messages'
    for (const [name, refusal] of Object.entries(production.refusals)) {
      const { message: _short, ...fields } = refusal;
      const { message: _full, ...same } = development.refusals[name] as Refusal;
      expect(fields).toEqual(same);
    }
  });

  it('carry no text of the message catalog, not even its rule tables (which interpolate a number), while the development build carries each', () => {
    const texts = catalogTexts();
    expect(texts.length).toBeGreaterThan(50);
    expect(texts.filter((text) => !development.code.includes(text))).toEqual([]);
    expect(texts.filter((text) => production.code.includes(text))).toEqual([]);
  });

  it('drop the development aids\' deep validation: a misspelt serviceTiers key is refused in development only (DESIGN.md "Web build")', () => {
    expect(development.serviceTierTypo).toMatch(
      /^INVALID_FACTORY_OPTIONS: createClientFactory\(\): serviceTiers has a key 'athenna' that is no service id; did you mean 'athena'\?/,
    );
    expect(production.serviceTierTypo).toBe('accepted');
  });

  it("drop the check of SDK config values too: an endpoint without its scheme is refused in development only, else the SDK's TypeError comes at the first request", () => {
    expect(development.endpointTypo).toMatch(/^INVALID_CONFIG: config\.endpoint is not a URL/);
    expect(production.endpointTypo).toBe('accepted');
  });
});
