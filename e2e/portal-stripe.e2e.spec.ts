// The portal's card step with a processor that challenges by redirect (Stripe, here its local fake):
// in a real browser, a customer on the summary of a purchase adds a card whose issuer asks for 3-D
// Secure, is sent to the bank's page, completes it, and comes back into the same purchase — plates and
// terms as they were, the new card chosen — and orders.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeStripe } from '@parking/testing';
import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
  launchBrowser,
  newContext,
  newPhone,
  screenshots,
  startPortalStack,
  watchPageErrors,
  type PortalStack,
} from './support/browser.js';
import { eventually } from './support/journey.js';

describe('the portal with 3-D Secure by redirect', () => {
  let env: PortalStack;
  let fake: FakeStripe;
  let browser: Browser;

  beforeAll(async () => {
    fake = await FakeStripe.start();
    browser = await launchBrowser();
    env = await startPortalStack({
      STRIPE_SECRET_KEY: fake.secretKey,
      STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
      STRIPE_API_URL: fake.url,
      RENEWAL_INTERVAL_MS: '0',
    });
    fake.webhookUrl = `${env.gatewayUrl}/v1/psp/webhooks`;
    const platform = await env.api.logIn('+4790000009', 'demo-password-1');
    const operators = (await env.api.get('/v1/platform/operators', platform)).body.items;
    const demo = operators.find((o: any) => o.slug !== 'fjord');
    const patched = await env.api.call('PATCH', `/v1/platform/operators/${demo.id}`, {
      token: platform,
      body: { psp: { provider: 'stripe', account: 'self' } },
    });
    expect(patched.status).toBe(200);
    // The payment service reads operators from identity: wait until identity lists the change.
    const listed = await eventually(
      () => env.api.get('/v1/platform/operators', platform),
      (r) => r.body.items?.find((o: any) => o.id === demo.id)?.psp.provider === 'stripe',
      10_000,
    );
    expect(listed.body.items.find((o: any) => o.id === demo.id).psp.provider).toBe('stripe');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    await fake?.stop();
  }, 60_000);

  const h1 = (page: Page, name: string) =>
    page.getByRole('heading', { level: 1, name: new RegExp(`^${name}$`) }).waitFor();

  it('goes to the bank and back into the purchase, then orders', async () => {
    const { api, portal } = env;
    const phone = newPhone();
    const token = await api.signInBySms(phone);
    expect(
      (await api.call('PUT', '/v1/me/password', { token, body: { password: 'passord-1234' } })).status,
    ).toBe(204);
    const context = await newContext(browser, DESKTOP);
    const pageErrors = watchPageErrors(context);
    const page = await context.newPage();
    const shot = screenshots('stripe-3ds-redirect');

    await page.goto(`${portal.url}/#/login`);
    await page.getByLabel('Mobilnummer').fill(phone);
    await page.getByLabel('Passord').fill('passord-1234');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await h1(page, 'Hjem');
    await page
      .getByRole('navigation', { name: 'Meny' })
      .getByRole('link', { name: 'Ny parkeringsavtale' })
      .click();
    await page.getByRole('link', { name: 'Tønsberg' }).click();
    await page.getByRole('link', { name: /Tønsberg Sykehus/ }).click();
    await page.getByRole('link', { name: 'Velg: Døgnparkering' }).click();
    await h1(page, 'Døgnparkering');
    await page.getByRole('textbox', { name: 'Kjennemerke' }).fill('sr 30001');
    await page.getByRole('button', { name: 'Bekreft' }).click();
    await page.getByLabel('Jeg har lest og godtar vilkårene for kjøp').check();
    await page.getByRole('button', { name: 'Fortsett' }).click();
    await page.getByRole('heading', { name: 'Oppsummering' }).waitFor();

    // A card whose issuer asks for 3-D Secure: off to the bank's page.
    await page.getByLabel('Kort', { exact: true }).selectOption('pm_card_authenticationRequiredOnSetup');
    await page.getByRole('button', { name: 'Lagre kort' }).click();
    await page.waitForURL(`${fake.url}/3ds/**`);
    await shot(page, 'bank-page');
    await page.getByRole('button', { name: 'Complete authentication' }).click();

    // Back in the same purchase: the summary with the plate, the new card chosen.
    await page.waitForURL(`${portal.url}/**`);
    await page.getByRole('heading', { name: 'Oppsummering' }).waitFor();
    await page.getByText('SR30001').first().waitFor();
    await page.getByRole('radio', { name: /•••• 3155/ }).waitFor();
    await expect(page.getByRole('radio', { name: /•••• 3155/ }).isChecked()).resolves.toBe(true);
    expect(new URL(page.url()).searchParams.has('redirect_status')).toBe(false);
    await shot(page, 'back-in-purchase');
    await page.getByRole('button', { name: 'Bestill' }).click();
    await page.getByRole('heading', { level: 1, name: /^Kvittering/ }).waitFor({ timeout: 15_000 });
    await shot(page, 'receipt');
    expect(
      fake.requests.some((r) => r.path === '/v1/payment_intents' && r.params.off_session === 'true'),
    ).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);
});
