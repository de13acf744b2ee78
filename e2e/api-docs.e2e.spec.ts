// The API reference in a real browser (Debian's chromium, playwright-core) against a real stack: /docs
// renders the gateway's OpenAPI document with Swagger UI served by the gateway itself, under its
// Content-Security-Policy, loading nothing from elsewhere; a reader calls a public route with "Try it
// out", then authorizes with a token and calls a protected one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DESKTOP, launchBrowser } from './support/browser.js';
import { startJourneyStack, type JourneyStack } from './support/journey.js';

describe('the API reference at /docs', () => {
  let env: JourneyStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const elsewhere: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    env = await startJourneyStack();
    // The page's own CSP applies here (no bypass): a violation would show as a console error.
    context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB' });
    page = await context.newPage();
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('request', (req) => {
      if (!req.url().startsWith(env.api.baseUrl) && !req.url().startsWith('data:')) elsewhere.push(req.url());
    });
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await env?.stop();
  }, 60_000);

  /** Opens an operation, presses "Try it out" and "Execute", and answers the response's status and body. */
  async function tryOut(id: string): Promise<{ status: string; body: string }> {
    const operation = page.locator(`#${id}`);
    await operation.locator('.opblock-summary-control').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation
      .locator('.live-responses-table tbody tr.response td.response-col_status')
      .first();
    await status.waitFor({ timeout: 15_000 });
    const body = await operation
      .locator('.live-responses-table tbody tr.response td.response-col_description pre')
      .first()
      .innerText();
    return { status: (await status.innerText()).trim(), body };
  }

  it('shows every operation of the document', async () => {
    const response = await page.goto(`${env.api.baseUrl}/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('#operations-Agreements-purchaseAgreement').waitFor({ timeout: 30_000 });
    const doc = (await env.api.get('/openapi.json')).body;
    const count = Object.values(doc.paths as Record<string, object>).reduce(
      (n, methods) => n + Object.keys(methods).length,
      0,
    );
    expect(await page.locator('.opblock').count()).toBe(count);
    expect(await page.locator('.title').first().innerText()).toContain('Parking platform API');
  }, 60_000);

  it('calls a public route from the page', async () => {
    const { status, body } = await tryOut('operations-Catalogue-listCities');
    expect(status).toBe('200');
    expect(body).toContain('Tønsberg');
  }, 60_000);

  it('calls a protected route with the token given to "Authorize"', async () => {
    const token = await env.api.logIn('+4790000001', 'demo-password-1');
    await page
      .locator('.auth-wrapper')
      .getByRole('button', { name: /Authorize/ })
      .click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').first().fill(token);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    const { status, body } = await tryOut('operations-Identity-getMe');
    expect(status).toBe('200');
    expect(body).toContain('+4790000001');
  }, 60_000);

  it('loaded nothing from elsewhere and broke no rule of its CSP', () => {
    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
  });
});
