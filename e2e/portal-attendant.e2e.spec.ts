// The attendant's page in a real browser against a real stack: plate + zone → the answer and its reason
// in large type, an observation recorded as a violation, and the same check from the zone's whitelist
// when the network drops (the service worker keeps the app shell; a reload offline still works). Also
// the installable app: the manifest and its icons.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  PHONE,
  launchBrowser,
  newContext,
  newPhone,
  screenshots,
  seriousA11yViolations,
  startPortalStack,
  watchPageErrors,
  type PortalStack,
} from './support/browser.js';
import { eventually } from './support/journey.js';

describe("the portal's attendant page and offline app", () => {
  let env: PortalStack;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
    env = await startPortalStack();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
  }, 60_000);

  async function expectAccessible(page: Page) {
    const violations = await seriousA11yViolations(page);
    expect(
      violations.map((v) => `${v.id}: ${v.help} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    ).toEqual([]);
  }
  const h1 = (page: Page, name: string) =>
    page.getByRole('heading', { level: 1, name: new RegExp(`^${name}$`) }).waitFor();

  /** A customer's day product for `plate`, bought over the API; the zone P1 it is valid in. */
  async function dayAgreement(plate: string) {
    const { api } = env;
    const token = await api.signInBySms(newPhone());
    const cities = await api.get('/v1/cities');
    const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
    const locations = await api.get(`/v1/cities/${tonsberg.id}/locations`);
    const hospital = locations.body.items.find((l: any) => l.name === 'Tønsberg Sykehus');
    const products = await api.get(`/v1/locations/${hospital.id}/products`);
    const day = products.body.items.find((p: any) => p.name === 'Døgnparkering');
    const card = await api.post('/v1/payment-methods', { token: 'tok_visa' }, token);
    const bought = await api.post(
      '/v1/agreements',
      {
        productId: day.id,
        vehicles: [{ plate }],
        acceptedTermsId: day.termsId,
        paymentMethodId: card.body.id,
      },
      token,
    );
    expect(bought.status).toBe(201);
    return { p1: hospital.zones.find((z: any) => z.name === 'P1') };
  }

  it('answers a plate check in large type, records an observation, and keeps answering from the whitelist offline', async () => {
    const { api, portal } = env;
    const plate = `AT${Math.floor(10_000 + Math.random() * 89_999)}`;
    const { p1 } = await dayAgreement(plate);
    const officer = await api.logIn('+4790000002', 'demo-password-1');
    await eventually(
      () => api.get(`/v1/enforcement/check?plate=${plate}&zone=${p1.id}`, officer),
      (r) => r.body?.allowed === true,
      5_000,
    );

    const context = await newContext(browser, PHONE);
    const pageErrors = watchPageErrors(context);
    const page = await context.newPage();
    const shot = screenshots('attendant');

    await page.goto(`${portal.url}/#/login`);
    await page.getByLabel('Mobilnummer').fill('+4790000002');
    await page.getByLabel('Passord').fill('demo-password-1');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await h1(page, 'Hjem');
    await page.getByRole('navigation', { name: 'Meny' }).getByRole('link', { name: 'Kontroll' }).click();
    await h1(page, 'Kontroll av kjennemerke');
    await page.getByLabel('Sone').selectOption({ label: 'Tønsberg Sykehus – P1' });
    await page.getByText(/Hviteliste for sonen lastet ned .* \([1-9]\d* kjennemerker\)/).waitFor();

    // A valid plate, typed as people type it.
    await page.getByLabel('Kjennemerke').fill(`${plate.slice(0, 2).toLowerCase()} ${plate.slice(2)}`);
    await expect(page.getByLabel('Kjennemerke').inputValue()).resolves.toBe(plate);
    await page.getByRole('button', { name: 'Sjekk' }).click();
    const answer = page.getByRole('status').filter({ hasText: plate });
    await answer.getByText('GYLDIG', { exact: true }).waitFor();
    await answer.getByText('Gyldig parkeringsavtale').waitFor();
    const verdictSize = await answer
      .getByText('GYLDIG', { exact: true })
      .evaluate((el) => parseFloat((globalThis as any).getComputedStyle(el).fontSize));
    expect(verdictSize).toBeGreaterThanOrEqual(32);
    await shot(page, 'valid');
    await expectAccessible(page);

    // A plate without an agreement; the observation records a violation.
    const stranger = `ZZ${Math.floor(10_000 + Math.random() * 89_999)}`;
    await page.getByLabel('Kjennemerke').fill(stranger);
    await page.getByRole('button', { name: 'Sjekk' }).click();
    const refusal = page.getByRole('status').filter({ hasText: stranger });
    await refusal.getByText('IKKE GYLDIG').waitFor();
    await refusal.getByText('Ingen avtale for dette kjennemerket').waitFor();
    await page.getByRole('button', { name: 'Registrer observasjon' }).click();
    await page.getByText('Overtredelse registrert: ingen gyldig avtale.').waitFor();
    const violations = await api.get(`/v1/enforcement/violations?zone=${p1.id}`, officer);
    expect(violations.body.items.map((v: any) => [v.plate, v.type])).toContainEqual([
      stranger,
      'no_valid_agreement',
    ]);
    await shot(page, 'violation');
    await expectAccessible(page);

    // The network drops: the service worker holds the shell, the whitelist answers.
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
    await context.setOffline(true);
    await page.getByText('Du er frakoblet.', { exact: false }).first().waitFor();
    await page.getByLabel('Kjennemerke').fill(plate);
    await page.getByRole('button', { name: 'Sjekk' }).click();
    const offline = page.getByRole('status').filter({ hasText: 'Frakoblet: svar fra hvitelisten' });
    await offline.getByText('GYLDIG', { exact: true }).waitFor();
    await shot(page, 'offline-valid');
    await expectAccessible(page);

    await page.reload();
    await h1(page, 'Kontroll av kjennemerke');
    await expect(page.getByLabel('Sone').locator('option:checked').textContent()).resolves.toBe(
      'Tønsberg Sykehus – P1',
    );
    await page.getByLabel('Kjennemerke').fill(stranger);
    await page.getByRole('button', { name: 'Sjekk' }).click();
    const offlineRefusal = page.getByRole('status').filter({ hasText: stranger });
    await offlineRefusal.getByText('IKKE GYLDIG').waitFor();
    await offlineRefusal.getByText('Ikke på hvitelisten for sonen').waitFor();
    await shot(page, 'offline-after-reload');
    await context.setOffline(false);

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it('is installable: a manifest with icons, a service worker for the shell', async () => {
    const context = await newContext(browser, PHONE);
    const page = await context.newPage();
    await page.goto(env.portal.url);
    const manifestHref = await page.getAttribute('link[rel="manifest"]', 'href');
    const manifest = await page.evaluate(`fetch(${JSON.stringify(manifestHref)}).then((r) => r.json())`);
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/', lang: 'nb' });
    const sizes = (manifest as any).icons.map((i: any) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of (manifest as any).icons.filter((i: any) => i.type === 'image/png')) {
      const res = await page.request.get(`${env.portal.url}${icon.src}`);
      expect([res.status(), res.headers()['content-type']]).toEqual([200, 'image/png']);
    }
    const scope = await page.evaluate('navigator.serviceWorker.ready.then((r) => r.scope)');
    expect(scope).toBe(`${env.portal.url}/`);
    await context.close();
  }, 60_000);
});
