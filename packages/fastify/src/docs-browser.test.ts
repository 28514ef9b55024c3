/**
 * The docs page in a real headless browser: Debian's chromium, driven by playwright-core (which downloads no
 * browser). Skips, saying why, only when no chromium binary is installed.
 */
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createHost, type Host } from '@slicewise/host';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './server.js';
import { slices } from './test-fixtures/user-slices.js';

const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const executablePath = candidates.find((path): path is string => path !== undefined && existsSync(path));
if (!executablePath) {
  process.stderr.write(
    'docs-browser.test.ts skipped: no chromium binary (apt-get install chromium, or set CHROMIUM_PATH)\n',
  );
}

let host: Host;
let app: FastifyInstance;
let base: string;
let browser: Browser;

describe.skipIf(!executablePath)('/docs in headless chromium', () => {
  beforeAll(async () => {
    host = createHost({ slices });
    host.db.table('users').insertAll([{ id: 1, name: 'Ada Lovelace', email: 'ada@example.com' }]);
    app = buildServer({ host, openapi: { version: '2.0.0' } });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    host?.close();
  });

  it('shows every operation, loads nothing from elsewhere, and sends GET /users from the page', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => {
      requested.push(request.url());
    });
    const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );

    await page.goto(`${base}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    const shown = await page
      .locator('.opblock')
      .evaluateAll((blocks) =>
        blocks.map(
          (block) =>
            `${block.querySelector('.opblock-summary-method')?.textContent} ${block.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      );
    expect(shown.sort()).toEqual(operations.sort());

    const listUsers = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/users"]') });
    await listUsers.locator('.opblock-summary-control').click();
    // The docs page opens operations ready to try (tryItOutEnabled): Execute is there at once.
    const [response] = await Promise.all([
      page.waitForResponse((response) => new URL(response.url()).pathname === '/users'),
      listUsers.locator('.execute').click(),
    ]);

    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual([{ id: 1, name: 'Ada Lovelace', email: 'ada@example.com', active: true }]);
    await expect
      .poll(() => listUsers.locator('.live-responses-table tr.response .response-col_status').first().textContent())
      .toContain('200');
    expect(requested.filter((url) => !url.startsWith(base) && !url.startsWith('data:'))).toEqual([]);
    await page.close();
  }, 60_000);
});
