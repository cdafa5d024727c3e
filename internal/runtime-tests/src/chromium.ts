import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, installed by `scripts/ensure-chromium.sh`. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags the runtime tests launch Chromium with (plus a fresh `--user-data-dir`). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** A running Chromium with a throwaway profile. */
export interface ChromiumSession {
  /** The browser context (Playwright's persistent context owns the profile directory). */
  readonly context: BrowserContext;
  /** Closes Chromium and deletes the profile. */
  close(): Promise<void>;
}

/**
 * Launches Debian's Chromium through playwright-core with a fresh profile.
 * Playwright takes the profile as `launchPersistentContext(userDataDir)`: it
 * refuses `--user-data-dir` among `args` and passes this one to Chromium as
 * `--user-data-dir`.
 */
export async function launchChromium(): Promise<ChromiumSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run \`sh scripts/ensure-chromium.sh\` (or \`pnpm --filter @dbp/runtime-tests ensure-chromium\`) first.`);
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'dbp-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1000, height: 900 },
    });
    return {
      context,
      async close() {
        try {
          await context.close();
        } finally {
          await rm(userDataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
}
