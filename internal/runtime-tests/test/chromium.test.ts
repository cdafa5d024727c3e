import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalAws, startLocalAws } from '@dbp/aws-testkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserReport } from '../src/apps/browser.js';
import { OBJECT_KEYS } from '../src/apps/flows.js';
import { WELL_FORMED } from '../src/apps/xmlCorpus.js';
import { bundle, TMP_DIR } from '../src/bundle.js';
import { type ChromiumSession, launchChromium } from '../src/chromium.js';
import { type StaticServer, serveFiles } from '../src/server.js';

const APP = new URL('../src/apps/browser.ts', import.meta.url).pathname;
const HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>@dbp/aws runtime test</title>
  <style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}pre{white-space:pre-wrap;font-size:10px;color:#666}</style></head>
  <body><main id="app">running…</main><details><summary>raw report</summary><pre id="result"></pre></details><script type="module" src="/app.js"></script></body>
</html>`;

describe('Chromium (Debian, via playwright-core)', () => {
  let local: LocalAws;
  let server: StaticServer;
  let chromium: ChromiumSession;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    const [app, started, browser] = await Promise.all([
      bundle('browser', { file: APP, minify: true }),
      startLocalAws({ services: ['s3', 'dynamodb'] }),
      launchChromium(),
    ]);
    local = started;
    chromium = browser;
    const input = { runId: randomUUID().slice(0, 8), s3: local.clientOptions('s3'), dynamodb: local.clientOptions('dynamodb') };
    server = await serveFiles({
      '/': { type: 'text/html; charset=utf-8', body: HTML },
      '/app.js': { type: 'text/javascript; charset=utf-8', body: app.code },
      '/input.json': { type: 'application/json', body: JSON.stringify(input) },
    });
    page = await chromium.context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${server.origin}/`);
    // The app sets data-state once the flows finish (or fail); Playwright bounds the wait.
    await page.waitForSelector('body[data-state]', { timeout: 45_000 });
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await server?.close();
    await local?.stop();
  });

  const report = async (): Promise<BrowserReport> => JSON.parse((await page.textContent('#result')) ?? '{}') as BrowserReport;
  const shown = async (id: string): Promise<string> => (await page.textContent(`[data-testid="${id}"]`)) ?? '';

  it('runs the S3 and DynamoDB flows through the factory on the page and shows stats()', async () => {
    expect(await page.getAttribute('body', 'data-state'), `${await page.textContent('#result')}\n${problems.join('\n')}`).toBe('done');
    const { flows } = await report();
    expect(flows.runtime).toMatch(/Chrome\/\d+/);
    expect(flows.domParserBefore).toBe('DOMParser');
    expect(flows.s3).toMatchObject({
      listedKeys: [...OBJECT_KEYS],
      keyCount: 2,
      body: `hello from Chromium (${OBJECT_KEYS[0]})`,
      missingKeyError: 'NoSuchKey',
    });
    expect(flows.dynamodb).toMatchObject({ tableStatus: 'ACTIVE', item: { pk: 'greeting', message: 'hello from Chromium', count: '42' } });
    expect(flows.getClientCalls).toEqual({ s3: 6, dynamodb: 4 });

    // What the page shows, read back from the DOM.
    expect(await shown('stats-clients')).toBe('2');
    expect(await shown('stats-sessions')).toBe('1');
    expect(await shown('stats-misses')).toBe('2');
    expect(await shown('stats-hits')).toBe('8');
    expect(await shown('stats-evictions')).toBe('0');
    expect(await shown('entry-s3')).toMatch(/^us-east-1 · standard · 5 hits · credential [0-9a-f]+$/);
    expect(await shown('entry-dynamodb')).toMatch(/^us-east-1 · standard · 3 hits · credential [0-9a-f]+$/);
    expect(await shown('s3-listed')).toBe(OBJECT_KEYS.join(' | '));
    expect(await shown('s3-body')).toBe(`hello from Chromium (${OBJECT_KEYS[0]})`);
    expect(await shown('ddb-item')).toBe(JSON.stringify({ pk: 'greeting', message: 'hello from Chromium', count: '42' }));
    // No secret reaches the page: the fingerprint is not the key.
    expect(await page.content()).not.toContain(local.credentials.secretAccessKey);

    // Cross-origin calls from the page, signed and verified by the testkit.
    expect(local.requests.count('s3', { operation: 'ListObjectsV2' })).toBe(1);
    expect(local.requests.count('dynamodb', { operation: 'GetItem' })).toBe(1);
    expect(local.requests.entries().every((entry) => entry.signatureValid === true)).toBe(true);

    await mkdir(TMP_DIR, { recursive: true });
    await page.screenshot({ path: join(TMP_DIR, 'chromium.png'), fullPage: true });
  });

  it("parses XML with @dbp/aws-s3's DOMParser shim exactly as Chromium's DOMParser does", async () => {
    const { parity } = await report();
    expect(parity.length).toBeGreaterThan(WELL_FORMED.length);
    expect(parity.filter((entry) => !entry.sameTree || !entry.sameSdkResult)).toEqual([]);
  });
});
