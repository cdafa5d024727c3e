/**
 * The Errors page and the messages cannot differ: every message, rendered by
 * the real catalog with sample details that reach each of its conditional
 * clauses, is shown on the page (placeholders aside) by the template the
 * page gives for exactly that case; and every template on the page is
 * reached by some sample, so the page shows nothing a message never says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog, messageTemplates, renderWithState, writeErrorsPage } from '../../../../../scripts/errors-page.mjs';
import type { MessageId, MessageValues } from '../../kernel/messages.js';
import { CATALOG_LINKS } from './links.js';
import { linkCatalog, messageIds } from './messages.js';

const fullMessage = linkCatalog(CATALOG_LINKS);

const credential = { service: 's3', region: 'us-east-1', credentialId: 'c0a1b2' };

/** Where a refused region came from (`RegionSource`), and the call itself. */
const REGION_SOURCES: readonly MessageValues[] = [
  {},
  { from: 'environment', variable: 'AWS_REGION' },
  { from: 'defaultRegion' },
  { from: 'config', profile: 'work' },
  { from: 'config' },
  { from: 'clientConfig' },
];

/** Details for every message, one sample per case: the compiler keeps the list complete. */
const SAMPLES: { readonly [Id in MessageId]: readonly MessageValues[] } = {
  CONSTRUCTOR_IS_PRIVATE: [{}],
  FACTORY_ALREADY_IN_USE: [{}, { differs: 'logger' }],
  FACTORY_DISPOSED: [{ shared: true }, { shared: false }],
  'FACTORY_DISPOSED.request': [{ service: 's3', operation: 'GetObject', ms: 5_000 }],
  'FACTORY_DISPOSED.body': [{ service: 's3', operation: 'GetObject', ms: 5_000 }],
  'FACTORY_DISPOSED.send': [{ service: 's3', operation: 'GetObject' }],
  BODY_ABANDONED: [{ service: 's3', operation: 'GetObject', region: 'us-east-1', ms: 60_000 }],
  'INVALID_OPTIONS.notObject': [
    { where: 'getClient()', got: 'a string' },
    { where: 'getClient()', got: 'a Promise' },
  ],
  'INVALID_OPTIONS.unknownKey': [
    { where: 'getClient()', key: 'regoin', allowed: ['region', 'profile', 'credentials', 'config', 'tier'], config: true },
    { where: 'getClient()', key: 'zzzzzzzz', allowed: ['region', 'profile', 'credentials', 'config', 'tier'], config: true },
    { where: 'getClient()', key: 'endpoint', allowed: ['region', 'profile', 'credentials', 'config', 'tier'], config: true },
    { where: 'getSession()', key: 'zzzzzzzz', allowed: ['region', 'profile', 'credentials'], config: false },
    { where: 'getSession()', key: 'endpoint', allowed: ['region', 'profile', 'credentials'], config: false },
    { where: 'clearCache()', key: 'anything', allowed: [], config: false },
  ],
  'INVALID_OPTIONS.unreadable': [{ where: 'getClient()', reason: 'TypeError' }],
  'INVALID_OPTIONS.filterService': [{}, { id: 'SQSClient', near: 'sqs' }, { id: '!!' }],
  'INVALID_OPTIONS.filterRegion': [{}],
  'INVALID_OPTIONS.conflict': [{ name: 'region' }, { name: 'credentials' }],
  'INVALID_FACTORY_OPTIONS.unreadable': [{ where: 'createClientFactory()', reason: 'TypeError' }],
  'INVALID_FACTORY_OPTIONS.notObject': [
    { where: 'createClientFactory()', got: 'a number' },
    { where: 'configureClientFactory()', got: 'a Promise' },
  ],
  'INVALID_FACTORY_OPTIONS.unknownKey': [
    { where: 'createClientFactory()', key: 'maxClient', allowed: ['maxClients', 'ttlMs'] },
    { where: 'createClientFactory()', key: 'colour', allowed: ['maxClients', 'ttlMs'] },
  ],
  'INVALID_FACTORY_OPTIONS.value': [
    { where: 'createClientFactory()', name: 'maxClients', got: 'a string' },
    { where: 'createClientFactory()', name: 'ttlMs', got: 'a negative number' },
    { where: 'configureClientFactory()', name: 'tiers', got: 'an object', instance: true },
  ],
  'INVALID_FACTORY_OPTIONS.tierField': [
    { name: 'reports', key: 'readTimeout' },
    { name: 'reports', key: 'zzzzzzzz' },
  ],
  'INVALID_FACTORY_OPTIONS.tier': [{ name: 'fast', field: 'maxAttempts' }],
  'INVALID_FACTORY_OPTIONS.serviceId': [{ where: 'createClientFactory()', key: 'athenna', near: 'athena' }],
  'INVALID_CONFIG.notObject': [{ got: 'an array' }, { got: 'an object', instance: true }],
  'INVALID_CONFIG.symbol': [{ path: '.retryStrategy' }],
  'INVALID_CONFIG.cycle': [{ path: '.a.b' }],
  'INVALID_CONFIG.depth': [{ max: 32, path: '.a.a.a' }],
  'INVALID_CONFIG.create': [{ service: 's3', reason: 'Invalid endpoint' }],
  'INVALID_CONFIG.endpoint': [{}, { scheme: 'localhost:' }, { got: 'a number' }],
  'UNKNOWN_SERVICE.id': [
    { id: 'dynamodb', known: ['s3'] }, // a package serves it
    { id: 'bedrock-runtime', known: ['s3'] }, // a package serves it, under another name
    { id: 's4', known: ['s3'] }, // no package, a close registered id
    { id: 'dynamo', known: ['s3'] }, // no package, a close id a package serves, not registered
    { id: 'sqs', known: ['s3', 'sts'] }, // no package, nothing close: an SDK client class
    { id: 'My Service!', known: [] }, // none of them
  ],
  'UNKNOWN_SERVICE.type': [{ where: 'getClient()', got: 'a number' }],
  'UNKNOWN_SERVICE.notClient': [{ threw: 'TypeError' }, {}],
  UNKNOWN_TIER: [
    { tier: 'fast', known: ['standard', 'ai', 'data'] },
    { tier: 'stardard', known: ['standard', 'ai', 'data'] },
    { tier: 'reports', known: ['standard', 'ai', 'data'], service: 'athena', where: 'configureClientFactory()' },
    { tier: 'dta', known: ['standard', 'ai', 'data'], service: 'athena', where: 'configureClientFactory()' },
  ],
  'INVALID_SERVICE_DEFINITION.unreadable': [{ where: 'defineService()', reason: 'TypeError' }],
  'INVALID_SERVICE_DEFINITION.unknownKey': [
    { where: 'defineService()', key: 'handlerOption', allowed: ['id', 'tier', 'create', 'handlerOptions', 'origin'] },
    { where: 'defineService()', key: 'zzzzzzzz', allowed: ['id', 'tier', 'create', 'handlerOptions', 'origin'] },
  ],
  INVALID_SERVICE_DEFINITION: [
    { field: 'id', got: 'a number' },
    { field: 'created', got: 'a Promise' },
  ],
  'INVALID_CREDENTIALS.type': [{ got: 'a number' }, { got: 'a Promise' }],
  'INVALID_CREDENTIALS.unknownField': [{ field: 'accesKeyId' }, { field: 'AccessKeyId' }, { field: 'aws_secret_access_key' }, { field: 'zzzzzzzz' }],
  'INVALID_CREDENTIALS.field': [
    { field: 'accessKeyId', required: true, type: 'string', got: 'an empty string' },
    { field: 'sessionToken', required: false, type: 'string', got: 'a number' },
    { field: 'expiration', required: false, type: 'date', got: 'a string' },
    { field: 'expiration', required: true, type: 'date', got: 'a string' },
  ],
  'INVALID_CREDENTIALS.whitespace': [{ field: 'secretAccessKey' }],
  'INVALID_CREDENTIALS.profile': [{ got: 'an empty string' }],
  'INVALID_CREDENTIALS.unreadable': [{ where: 'credentials', reason: 'TypeError' }],
  'INVALID_CREDENTIALS.keyed': [{}],
  CREDENTIALS_EXPIRED: [{ at: '2024-01-01T00:00:00.000Z' }],
  'CREDENTIALS_REJECTED.static': [{ credentialId: 'a1b2c3d4e5f6', code: 'ExpiredToken' }],
  'CREDENTIALS_REJECTED.stream': [{ credentialId: 'a1b2c3d4e5f6', code: 'ExpiredToken', kind: 'keyed' }],
  'CREDENTIALS_REJECTED.unchanged': [{ credentialId: 'a1b2c3d4e5f6', code: 'ExpiredToken', kind: 'keyed' }],
  'CREDENTIALS_REJECTED.again': [{ credentialId: 'a1b2c3d4e5f6', code: 'InvalidClientTokenId', kind: 'provider' }],
  MISSING_CREDENTIALS: [{}, { profile: 'work' }, { server: true }, { profile: 'work', server: true }],
  PROFILE_NOT_FOUND: [
    { profile: 'work', sources: '/home/me/.aws/config and /home/me/.aws/credentials' },
    { profile: 'base', of: 'work', sources: '/home/me/.aws/config and /home/me/.aws/credentials' },
  ],
  'CREDENTIAL_PROVIDER_FAILED.rejected': [
    { reason: 'CredentialsProviderError', kind: 'chain' },
    { reason: 'Error', kind: 'provider' },
  ],
  'CREDENTIAL_PROVIDER_FAILED.sso': [{}, { profile: 'dev' }],
  'CREDENTIAL_PROVIDER_FAILED.profile': [
    { profile: 'work', reason: 'CredentialsProviderError', sources: '/home/me/.aws/config and /home/me/.aws/credentials' },
  ],
  'CREDENTIAL_PROVIDER_FAILED.environmentProfile': [
    { profile: 'work', reason: 'CredentialsProviderError', sources: '/home/me/.aws/config and /home/me/.aws/credentials' },
  ],
  'CREDENTIAL_PROVIDER_FAILED.notCredentials': [{}],
  'CREDENTIAL_PROVIDER_FAILED.expiration': [{ got: 'a string' }],
  'INVALID_REGION.type': REGION_SOURCES.flatMap((source) => [
    { got: 'a number', ...source },
    { got: 'a function', ...source },
  ]),
  'INVALID_REGION.malformed': REGION_SOURCES.flatMap((source) => [
    { region: 'us-east-l', suggestion: 'us-east-1', ...source },
    { region: 'nowhere', ...source },
  ]),
  UNKNOWN_REGION: REGION_SOURCES.map((source) => ({ region: 'xx-north-9', ...source })),
  'MISSING_REGION.web': [{}, { server: true }],
  'MISSING_REGION.node': [{ profile: 'work' }, {}],
  'LOG.newRegion': [{ region: 'xx-north-9' }],
  'LOG.providerPerCall': [
    { service: 's3', count: 20, seconds: 60, settle: 10, keyed: false },
    { service: 's3', count: 20, seconds: 60, settle: 10, keyed: true },
  ],
  'LOG.abandoned': [
    { ...credential, count: 2, operations: 'GetObject', seconds: 30, destroyed: true },
    { ...credential, count: 1, operations: 'GetObject', seconds: 30, destroyed: true },
    { ...credential, count: 3, operations: 'GetObject, ListObjectsV2', seconds: 30, destroyed: false },
    { ...credential, count: 1, operations: 'GetObject', seconds: 30 },
  ],
  'LOG.created': [{ ...credential, tier: 'standard' }],
  'LOG.removed': [
    { ...credential, reason: 'evicted', inFlight: 0 },
    { ...credential, reason: 'evicted' },
  ],
  'LOG.destroyFailed': [{ service: 's3', reason: 'TypeError' }],
  'LOG.listenerThrew': [{ reason: 'RangeError' }],
  'LOG.refreshFailed': [{ credentialId: 'c0a1b2', reason: 'CredentialsProviderError' }],
};

/** A template as a pattern: its text exactly, each `‹placeholder›` any non-empty text. */
function pattern(template: string): RegExp {
  const parts = template.split(/‹[^›]*›/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+?')}$`, 's');
}

let dir: string;
let catalog: Catalog;
let page: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dbp-errors-page-'));
  catalog = await loadCatalog(join(dir, 'catalog'));
  const { file } = await writeErrorsPage(join(dir, 'errors.md'), catalog);
  page = readFileSync(file, 'utf8');
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the Errors page', () => {
  it('covers the same message ids as the catalog', () => {
    expect(catalog.messageIds()).toEqual(messageIds());
    expect(Object.keys(SAMPLES).sort()).toEqual([...messageIds()].sort());
  });

  it.each(messageIds())('shows every text %s renders, and only those', (id) => {
    const { templates, states } = messageTemplates(catalog, id);
    const shown = new Set<number>();
    for (const details of SAMPLES[id]) {
      const real = fullMessage(id, details);
      // The page's copy of the catalog renders exactly what the catalog does.
      const probed = renderWithState(catalog, id, details);
      expect(probed.text).toBe(real);
      const index = states.get(probed.state);
      expect(index, `${id} with ${JSON.stringify(details)}: no template on the page for the case "${probed.state}"`).toBeDefined();
      const template = templates[index as number]!;
      expect(real, `${id}: the page's template for this case`).toMatch(pattern(template.text));
      shown.add(index as number);
    }
    expect(
      [...shown].sort((a, b) => a - b),
      `${id}: templates on the page that no sample reaches`,
    ).toEqual(templates.map((_, index) => index));
    for (const template of templates) {
      expect(page).toContain(`> ${template.text.split('\n').join('\n> ')}`);
      if (template.when !== '') expect(page).toContain(`When ${template.when}:`);
    }
  });

  it('shows the conditional clauses the placeholders alone would hide', () => {
    expect(page).toContain("> ‹where› got an unknown option '‹key›'. Did you mean '‹nearest option›'? Allowed: ‹allowed›.");
    expect(page).toContain("> ‹where› got an unknown option '‹key›'. Allowed: ‹allowed›.");
    expect(page).toContain('1 response body of ‹operations›');
    expect(page).toContain('must be a valid Date');
    expect(page).toContain("Did you mean '‹nearest service›'?");
    expect(page).toContain("Did you mean '‹nearest service›'? ‹package to import› serves it: import '‹package to import›/register' once");
    expect(page).toContain('from the ‹variable› environment variable is not a valid AWS region');
    expect(page).toContain("from profile '‹profile›' in the shared config file");
  });

  it('matches no real message against the template of another case', () => {
    const { templates, states } = messageTemplates(catalog, 'INVALID_OPTIONS.unknownKey');
    const withSuggestion = templates[states.get('') as number]!;
    expect(fullMessage('INVALID_OPTIONS.unknownKey', { where: 'getClient()', key: 'zzzzzzzz', allowed: ['region'] })).not.toMatch(pattern(withSuggestion.text));
  });
});
