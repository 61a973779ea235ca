// Debian's Chromium, headless, for tests that load a page from disk: a fresh profile, no network
// services of its own (no sync, no component updates, no QUIC), and every request, console message
// and page error recorded. `close()` ends the browser and removes the profile; call it in finally.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.KAMHEAP_CHROMIUM ?? '/usr/bin/chromium';

export interface HeadlessPage {
  page: Page;
  /** Every URL the page asked for, the page itself included. */
  requests: string[];
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile and opens a page. */
export async function openHeadlessPage(viewport = { width: 1280, height: 900 }): Promise<HeadlessPage> {
  const profile = mkdtempSync(join(tmpdir(), 'kamheap-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const open = context;
    const requests: string[] = [];
    const errors: string[] = [];
    open.on('request', (r) => requests.push(r.url()));
    const page = open.pages()[0] ?? (await open.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    return {
      page,
      requests,
      errors,
      close: async () => {
        try {
          await open.close();
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await context?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
