// The web portal in a real browser (Debian's chromium, playwright-core) against a real stack: the user
// guide's web journey at a phone size, a returning customer at a desktop size, and errors shown where
// they belong. Every step is a screenshot under test-artifacts/portal/, every page passes axe-core.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
  PHONE,
  launchBrowser,
  newPhone,
  newContext,
  osloDate,
  screenshots,
  seriousA11yViolations,
  smsCode,
  startPortalStack,
  watchPageErrors,
  type PortalStack,
} from './support/browser.js';

/** On the demo staff list (10001–10999); one live agreement per number and product, so each run its own. */
const employeeNumber = () => String(10001 + Math.floor(Math.random() * 999));

describe('the web portal', () => {
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

  /** Waits for the page whose main heading is `name` (pages change after a click, not at it). */
  const h1 = (page: Page, name: string | RegExp) =>
    page
      .getByRole('heading', { level: 1, name: typeof name === 'string' ? new RegExp(`^${name}$`) : name })
      .waitFor();

  it.each([
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const)(
    "follows the guide's web journey on a %s: SMS sign-up, password, 3-D Secure card, profile, purchase, receipt, Home, vehicles, cancel, withdraw, receipts, export, delete",
    async (size, viewport) => {
      const { api, portal } = env;
      const phone = newPhone();
      const context = await newContext(browser, viewport);
      const pageErrors = watchPageErrors(context);
      const page = await context.newPage();
      const shot = screenshots(`guide-journey-${size}`);

      // 1. «Ny bruker?» → phone → «Send SMS» → the code → «Valider kode».
      await page.goto(portal.url);
      await h1(page, 'Logg inn');
      await expect(page.locator('.brand').textContent()).resolves.toContain('Demo Parkering AS');
      await shot(page, 'login');
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Ny bruker?' }).click();
      await page.getByLabel('Mobilnummer').fill(phone);
      await page.getByRole('button', { name: 'Send SMS' }).click();
      const code = await smsCode(api, phone, /engangskode/);
      await page.getByLabel('Engangskode').fill(code);
      await shot(page, 'sms-code');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Valider kode' }).click();

      // 2. A password.
      await h1(page, 'Tast inn passord');
      await page.getByLabel('Passord').fill('kort');
      await page.getByRole('button', { name: 'Lagre' }).click();
      await page.getByText('Passordet må ha minst 10 tegn.').waitFor();
      await page.getByLabel('Passord').fill('hemmelig-passord-1');
      await shot(page, 'password');
      await page.getByRole('button', { name: 'Lagre' }).click();

      // 3. A card with the 3-D Secure challenge; «Lagre», then «Fortsett».
      await h1(page, 'Legg inn betalingskort');
      const beforeCard = Date.now() - 1_000;
      await page.getByLabel('Kort', { exact: true }).selectOption('tok_3ds');
      await page.getByRole('button', { name: 'Lagre kort' }).click();
      await page.getByRole('heading', { name: 'Bekreft kortet (3-D Secure)' }).waitFor();
      await page.getByLabel('Engangskode').fill('000000');
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await page.getByText('Feil kode fra banken. Prøv igjen.').waitFor();
      await shot(page, '3ds-wrong-code');
      await expectAccessible(page);
      const cardCode = await smsCode(api, phone, /Bekreft kortet/, beforeCard);
      await page.getByLabel('Engangskode').fill(cardCode);
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await page.getByText('•••• ').first().waitFor();
      await shot(page, 'card-saved');
      await page.getByRole('button', { name: 'Fortsett' }).click();

      // 4. The user information, then «Fortsett» to Home.
      await h1(page, 'Brukerinformasjon');
      await page.getByLabel('Navn').fill('Kari Nordmann');
      await page.getByLabel('E-post').fill('kari@example.no');
      await shot(page, 'profile');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Fortsett' }).click();
      await h1(page, 'Hjem');
      await page.getByText('Du har ingen parkeringsavtaler ennå.').waitFor();
      await shot(page, 'home-empty');

      // 5. «Ny parkeringsavtale» → Tønsberg → Tønsberg Sykehus → the product, its description.
      await page
        .getByRole('navigation', { name: 'Meny' })
        .getByRole('link', { name: 'Ny parkeringsavtale' })
        .click();
      await h1(page, 'Velg by/sted');
      await page.getByRole('link', { name: 'Tønsberg' }).click();
      await page.getByRole('link', { name: /Tønsberg Sykehus/ }).click();
      await h1(page, 'Velg parkeringsavtale');
      await page.getByRole('heading', { name: 'Ansatt måned' }).waitFor();
      await shot(page, 'products');
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Velg: Ansatt måned' }).click();
      await h1(page, 'Ansatt måned');
      await page.getByRole('heading', { name: 'Produktbeskrivelse' }).waitFor();

      // 6. Plates, normalised as typed and confirmed one by one; at most 3.
      const plate = page.getByRole('textbox', { name: 'Kjennemerke' });
      await plate.fill('ek 12-345');
      await expect(plate.inputValue()).resolves.toBe('EK12345');
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await plate.fill('ek12345');
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await page.getByText('Kjennemerket er allerede lagt inn.').waitFor();
      await plate.fill('ab 99 888');
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await expect(page.locator('.plate-list .plate').allTextContents()).resolves.toEqual([
        'EK12345',
        'AB99888',
      ]);

      // 7. Start date within the window, 8. employee number, 9. the terms.
      const start = page.getByLabel('Startdato');
      await expect(start.getAttribute('min')).resolves.toBe(osloDate(0));
      await expect(start.getAttribute('max')).resolves.toBe(osloDate(90));
      await start.fill(osloDate(2));
      await page.getByLabel('Ansattnummer').fill(employeeNumber());
      await page.getByRole('button', { name: 'Fortsett' }).click();
      await page.getByText('Du må godta vilkårene for å kjøpe.').waitFor();
      await page.getByText(/^Les vilkårene/).click();
      await page.getByLabel('Jeg har lest og godtar vilkårene for kjøp').check();
      await shot(page, 'purchase-form');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Fortsett' }).click();

      // 10. The summary with the seller, the stored card, «Bestill» → the receipt.
      await expect(page.getByRole('heading', { name: 'Oppsummering' }).isVisible()).resolves.toBe(true);
      await expect(page.locator('.summary').textContent()).resolves.toContain('Demo Parkering AS');
      await expect(page.getByRole('radio').first().isChecked()).resolves.toBe(true);
      await shot(page, 'summary');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Bestill' }).click();
      await page.getByText('Du er nå ferdig og har kjøpt et parkeringsprodukt.').waitFor({ timeout: 15_000 });
      await h1(page, /^Kvittering – Kvittering nr\. \d+$/);
      const receiptText = await page.locator('.receipt').textContent();
      expect(receiptText).toContain('Demo Parkering AS');
      expect(receiptText).toContain('EK12345, AB99888');
      expect(receiptText?.replace(/\s/g, ' ')).toContain('1 250 kr');
      await shot(page, 'receipt');
      await expectAccessible(page);

      // 11. Home: the agreement, and the plates under «Kjøretøy».
      await page.getByRole('link', { name: 'Hjem' }).first().click();
      await page.getByRole('heading', { name: 'Ansatt måned' }).waitFor();
      await expect(page.getByTestId('vehicles').textContent()).resolves.toMatch(
        /EK12345.*AB99888|AB99888.*EK12345/,
      );
      await shot(page, 'home');
      await expectAccessible(page);

      // 12. Change vehicles: AB99888 out, CD11111 in.
      await page.getByRole('link', { name: 'Detaljer: Ansatt måned' }).click();
      await page.getByRole('button', { name: 'Fjern AB99888' }).click();
      await page.getByRole('textbox', { name: 'Kjennemerke' }).fill('cd 11111');
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await page.getByRole('button', { name: 'Lagre kjøretøy' }).click();
      await page.getByText('Kjøretøyene er lagret.').waitFor();
      await page.locator('.summary').getByText('EK12345, CD11111').waitFor();
      await shot(page, 'vehicles-changed');
      await expectAccessible(page);

      // 13. Cancel (stops renewing), then withdraw within 14 days (ends now, refund).
      await page.getByRole('button', { name: 'Si opp avtalen' }).click();
      await page.getByRole('button', { name: 'Ja, si opp' }).click();
      await page.getByText('Oppsagt – gyldig ut perioden').waitFor();
      await shot(page, 'cancelled');
      await page.getByRole('button', { name: 'Angre kjøpet (angrerett)' }).click();
      await page.getByRole('button', { name: 'Ja, angre kjøpet' }).click();
      await page.getByText('Avsluttet', { exact: true }).waitFor();
      await page.getByRole('list').filter({ hasText: 'EK12345' }).first().waitFor();
      await shot(page, 'withdrawn');
      await expectAccessible(page);

      // 14. Receipts: the charge and its credit note.
      await page
        .getByRole('navigation', { name: 'Meny' })
        .getByRole('link', { name: 'Kvitteringer' })
        .click();
      const receipts = page.locator('.choices li');
      // The credit note is issued a moment after the withdrawal (another service).
      await receipts.first().waitFor();
      for (let i = 0; i < 25 && (await receipts.count()) < 2; i++) {
        await page.waitForTimeout(200);
        await page.reload();
        await receipts.first().waitFor();
      }
      await expect(receipts.allTextContents()).resolves.toEqual([
        expect.stringContaining('Kreditnota'),
        expect.stringContaining('Kvittering'),
      ]);
      await shot(page, 'receipts');
      await expectAccessible(page);

      // 15. «Mine data»: export, then delete me.
      await page.getByRole('navigation', { name: 'Meny' }).getByRole('link', { name: 'Profil' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Last ned mine data' }).click(),
      ]);
      const exported = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
      expect(JSON.stringify(exported)).toContain('Kari Nordmann');
      await shot(page, 'my-data');
      await expectAccessible(page);
      await page.getByRole('button', { name: 'Slett meg' }).click();
      await page.getByRole('button', { name: 'Ja, slett meg' }).click();
      await page.getByText('Dataene dine er slettet, og du er logget ut.').waitFor();
      await h1(page, 'Logg inn');
      await shot(page, 'deleted');

      expect(pageErrors).toEqual([]);
      await context.close();
    },
    300_000,
  );

  /** A customer made over the API: signed up by SMS, profile and password set, no card yet. */
  async function customer(name: string) {
    const { api } = env;
    const phone = newPhone();
    const token = await api.signInBySms(phone);
    expect(
      (await api.call('PUT', '/v1/me', { token, body: { name, email: 'kunde@example.no' } })).status,
    ).toBe(200);
    expect(
      (await api.call('PUT', '/v1/me/password', { token, body: { password: 'passord-1234' } })).status,
    ).toBe(204);
    return { phone, token, name };
  }

  async function logIn(page: Page, phone: string) {
    await page.goto(`${env.portal.url}/#/login`);
    await page.getByLabel('Mobilnummer').fill(phone);
    await page.getByLabel('Passord').fill('passord-1234');
    await page.getByRole('button', { name: 'Logg inn' }).click();
  }

  it('lets a returning customer log in with a password on a desktop, switch to English and buy the day product with a first card added at the payment step', async () => {
    const { phone } = await customer('Ola Desktop');
    const context = await newContext(browser, DESKTOP);
    const pageErrors = watchPageErrors(context);
    const page = await context.newPage();
    const shot = screenshots('desktop-day-product');

    await logIn(page, phone);
    await h1(page, 'Hjem');
    await shot(page, 'home');
    await page.getByRole('button', { name: /^English/ }).click();
    await h1(page, 'Home');
    await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('en');
    await page
      .getByRole('navigation', { name: 'Menu' })
      .getByRole('link', { name: 'New parking agreement' })
      .click();
    await h1(page, 'Choose a city/place');
    await page.getByRole('link', { name: 'Tønsberg' }).click();
    await page.getByRole('link', { name: /Tønsberg Sykehus/ }).click();
    await page.getByRole('link', { name: 'Choose: Døgnparkering' }).click();
    await h1(page, 'Døgnparkering');

    // A day product starts at purchase: no date to pick, no employee number, one vehicle.
    await page.getByText('Day product: always starts at the time of purchase.').waitFor();
    await expect(page.getByLabel('Start date').count()).resolves.toBe(0);
    await expect(page.getByLabel('Employee number').count()).resolves.toBe(0);
    await page.getByRole('textbox', { name: 'Licence plate' }).fill('dt 77-001');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByRole('textbox', { name: 'Licence plate' }).count()).resolves.toBe(0);
    await page.getByLabel('I have read and accept the terms of purchase').check();
    await shot(page, 'purchase-form');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Continue' }).click();

    // No card yet: it is added here, on the payment step.
    await page.getByRole('heading', { name: 'Summary' }).waitFor();
    await expect(page.getByRole('button', { name: 'Order' }).isDisabled()).resolves.toBe(true);
    await page.getByLabel('Card', { exact: true }).selectOption('tok_visa');
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.getByRole('radio', { name: /•••• \d{4}/ }).waitFor();
    await expect(page.getByRole('radio').first().isChecked()).resolves.toBe(true);
    await shot(page, 'summary');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Order' }).click();
    await page.getByText('You are done and have bought a parking product.').waitFor({ timeout: 15_000 });
    await h1(page, /^Receipt – Receipt no\. \d+$/);
    await expect(page.locator('.receipt').textContent()).resolves.toContain('DT77001');
    await shot(page, 'receipt');
    await expectAccessible(page);

    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Home' }).click();
    await page.getByTestId('vehicles').getByText('DT77001').waitFor();
    await page.getByText('Active', { exact: true }).waitFor();
    await shot(page, 'home-en');
    await expectAccessible(page);
    await page.getByRole('button', { name: /^Norsk/ }).click();
    await h1(page, 'Hjem');

    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);

  it('shows each operator its own brand and catalogue, by host name or by ?operator= in dev mode', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const shot = screenshots('operators');
    const port = new URL(env.portal.url).port;

    await page.goto(`http://fjord.localhost:${port}/#/new`);
    await h1(page, 'Velg by/sted');
    await page.getByRole('link', { name: 'Bergen' }).waitFor();
    await expect(page.locator('.brand').textContent()).resolves.toBe('Fjord Parkering AS');
    await expect(page.getByRole('link', { name: 'Tønsberg' }).count()).resolves.toBe(0);
    await expect(page.locator('footer').textContent()).resolves.toContain('888 888 888');
    await shot(page, 'fjord-by-host');

    const other = await context.newPage();
    await other.goto(`${env.portal.url}/?operator=fjord#/new`);
    await other.getByRole('link', { name: 'Bergen' }).waitFor();
    await expect(other.locator('.brand').textContent()).resolves.toBe('Fjord Parkering AS');

    await page.goto(`http://demo.localhost:${port}/#/new`);
    await page.getByRole('link', { name: 'Tønsberg' }).waitFor();
    await expect(page.locator('.brand').textContent()).resolves.toBe('Demo Parkering AS');
    await shot(page, 'demo-by-host');
    await context.close();
  }, 120_000);

  it('shows a missing or unknown employee number beside its field and a declined card on the payment step', async () => {
    const { api } = env;
    const { phone } = await customer('Eva Feil');
    const cities = await api.get('/v1/cities');
    const tonsberg = cities.body.items.find((c: any) => c.name === 'Tønsberg');
    const locations = await api.get(`/v1/cities/${tonsberg.id}/locations`);
    const hospital = locations.body.items.find((l: any) => l.name === 'Tønsberg Sykehus');
    const products = await api.get(`/v1/locations/${hospital.id}/products`);
    const year = products.body.items.find((p: any) => p.name === 'Ansatt år');

    const context = await newContext(browser, PHONE);
    const pageErrors = watchPageErrors(context);
    const page = await context.newPage();
    const shot = screenshots('errors');
    await logIn(page, phone);
    await h1(page, 'Hjem');
    await page.goto(`${env.portal.url}/#/new/${tonsberg.id}/${hospital.id}/${year.id}`);
    await h1(page, 'Ansatt år');

    // No employee number: said beside the field, before anything is sent.
    await page.getByRole('textbox', { name: 'Kjennemerke' }).fill('ER10001');
    await page.getByRole('button', { name: 'Bekreft' }).click();
    await page.getByLabel('Jeg har lest og godtar vilkårene for kjøp').check();
    await page.getByRole('button', { name: 'Fortsett' }).click();
    const employee = page.getByLabel('Ansattnummer');
    await page.getByText('Fyll inn ansattnummeret ditt.').waitFor();
    await expect(employee.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await employee.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`[id="${describedBy.split(' ').pop()}"]`).textContent()).resolves.toBe(
      'Fyll inn ansattnummeret ditt.',
    );
    await shot(page, 'employee-number-missing');
    await expectAccessible(page);

    // A card the issuer declines when it is added: said beside the card field.
    await employee.fill('99999');
    await page.getByRole('button', { name: 'Fortsett' }).click();
    await page.getByRole('heading', { name: 'Oppsummering' }).waitFor();
    await page.getByLabel('Kort', { exact: true }).selectOption('tok_declined');
    await page.getByRole('button', { name: 'Lagre kort' }).click();
    await page.locator('.card-form .error').getByText('Kortet ble avvist. Prøv et annet kort.').waitFor();
    await shot(page, 'card-declined-when-added');
    await expectAccessible(page);

    // A card that is added but cannot pay; the API refuses the employee number first (422).
    await page.getByLabel('Kort', { exact: true }).selectOption('tok_insufficient_funds');
    await page.getByRole('button', { name: 'Lagre kort' }).click();
    await page.getByRole('radio').first().waitFor();
    await page.getByRole('button', { name: 'Bestill' }).click();
    await h1(page, 'Ansatt år');
    await employee.waitFor();
    await expect(employee.getAttribute('aria-invalid')).resolves.toBe('true');
    const apiMessage = await page
      .locator(`[id="${((await employee.getAttribute('aria-describedby')) ?? '').split(' ').pop()}"]`)
      .textContent();
    expect(apiMessage).toBeTruthy();
    await shot(page, 'employee-number-refused');
    await expectAccessible(page);

    // A valid number: now the charge is declined, said on the payment step.
    await employee.fill(employeeNumber());
    await page.getByRole('button', { name: 'Fortsett' }).click();
    await page.getByRole('button', { name: 'Bestill' }).click();
    await page
      .locator('#card-error')
      .getByText('Kortet ble avvist. Prøv et annet kort.')
      .waitFor({ timeout: 15_000 });
    await expect(page.getByRole('heading', { name: 'Oppsummering' }).isVisible()).resolves.toBe(true);
    await shot(page, 'card-declined-at-payment');
    await expectAccessible(page);

    // An unknown page is a page, not a blank one.
    await page.goto(`${env.portal.url}/#/no/such/page`);
    await h1(page, 'Siden finnes ikke.');
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 180_000);
});
