// The operator's console (#/admin/...) and the customer pieces that came with it, in a real browser
// against a real stack, at 360×780 and 1280×800: every console page for an operator, the sanctions for an
// officer, refusals for customers (the login or a refusal, never the data) and for another operator's
// staff; an operator's day (find an agreement by plate, terminate it, change a price, upload a staff list,
// create a camera, cancel a sanction, set the support contacts), an officer issuing a sanction, and a
// customer switching the card of a past-due agreement from the failed-renewal text's link, with a
// foreign plate. Every page passes axe-core; screenshots under test-artifacts/portal/console-*/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import {
  DESKTOP,
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

/** The phone size (the other portal journeys use 375×812). */
const SMALL = { width: 360, height: 780 };
const SIZES = [
  ['360', SMALL],
  ['1280', DESKTOP],
] as const;
const PASSWORD = 'demo-password-1';
const OPERATOR = '+4790000001';
const OFFICER = '+4790000002';
const FJORD_OPERATOR = '+4790000004';
const osloToday = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Oslo' });
const randomPlate = (prefix: string) => `${prefix}${Math.floor(10_000 + Math.random() * 89_999)}`;

describe("the operator's console and the customer portal's new pieces", () => {
  let env: PortalStack;
  let browser: Browser;
  let operator: string;
  let officer: string;
  const products: Record<string, any> = {};
  const zones: Record<string, any> = {};
  const places: Record<string, { cityId: string; locationId: string }> = {};

  beforeAll(async () => {
    browser = await launchBrowser();
    env = await startPortalStack();
    const { api } = env;
    operator = await api.logIn(OPERATOR, PASSWORD);
    officer = await api.logIn(OFFICER, PASSWORD);
    for (const city of (await api.get('/v1/cities')).body.items) {
      for (const location of (await api.get(`/v1/cities/${city.id}/locations`)).body.items) {
        places[location.name] = { cityId: city.id, locationId: location.id };
        for (const z of location.zones) zones[z.name] = z;
        for (const p of (await api.get(`/v1/locations/${location.id}/products`)).body.items)
          products[p.name] = p;
      }
    }
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
  /** Nothing wider than the screen: tables scroll inside their own box. */
  async function expectNoSidewaysScroll(page: Page) {
    const [scroll, width] = (await page.evaluate(
      '[document.documentElement.scrollWidth, window.innerWidth]',
    )) as [number, number];
    expect(scroll).toBeLessThanOrEqual(width);
  }
  const h1 = (page: Page, name: string) =>
    page.getByRole('heading', { level: 1, name: new RegExp(`^${name}$`) }).waitFor();
  const consoleNav = (page: Page, name = 'Administrasjon') => page.getByRole('navigation', { name });

  /** Opens `path` signed out: the login comes first, and the page asked for after it. */
  async function signInAt(page: Page, path: string, phone: string, password = PASSWORD, query = '') {
    await page.goto(`${env.portal.url}/${query}#${path}`);
    await h1(page, 'Logg inn');
    await page.getByLabel('Mobilnummer').fill(phone);
    await page.getByLabel('Passord').fill(password);
    await page.getByRole('button', { name: 'Logg inn' }).click();
  }

  /** A customer with a password and a card, over the API. */
  async function customer(card = 'tok_visa') {
    const { api } = env;
    const phone = newPhone();
    const token = await api.signInBySms(phone);
    await api.call('PUT', '/v1/me', { token, body: { name: 'Kari Kunde', email: 'kari@example.no' } });
    await api.call('PUT', '/v1/me/password', { token, body: { password: 'passord-1234' } });
    const added = await api.post('/v1/payment-methods', { token: card }, token);
    expect(added.status).toBe(201);
    return { phone, token, cardId: added.body.id as string };
  }

  async function buy(who: { token: string; cardId: string }, productName: string, plate: string) {
    const product = products[productName];
    const bought = await env.api.post(
      '/v1/agreements',
      {
        productId: product.id,
        vehicles: [{ plate }],
        ...(product.startPolicy === 'chosen' ? { startDate: osloToday() } : {}),
        acceptedTermsId: product.termsId,
        paymentMethodId: who.cardId,
      },
      who.token,
    );
    expect(bought.status).toBe(201);
    return bought.body;
  }

  /** An open violation in P1 for a plate without an agreement, observed by the officer. */
  async function violation(plate: string) {
    const seen = await env.api.post('/v1/enforcement/observations', { plate, zone: zones.P1.id }, officer);
    expect(seen.status).toBe(201);
    expect(seen.body.violation).toMatchObject({ plate, status: 'open' });
    return seen.body.violation;
  }

  it.each(SIZES)(
    'shows an operator every console page at %s px, from the «Administrasjon» link',
    async (size, viewport) => {
      const context = await newContext(browser, viewport);
      const pageErrors = watchPageErrors(context);
      const page = await context.newPage();
      const shot = screenshots(`console-operator-${size}`);

      // Signed out, #/admin asks for the login and comes back to the console's first page.
      await signInAt(page, '/admin', OPERATOR);
      await h1(page, 'Avtaler');
      expect(page.url()).toContain('#/admin/agreements');
      await page
        .getByRole('navigation', { name: 'Meny' })
        .getByRole('link', { name: 'Administrasjon' })
        .waitFor();

      const pages: [string, (p: Page) => Promise<void>][] = [
        ['Avtaler', (p) => p.getByLabel('Kjennemerke').waitFor()],
        ['Produkter', (p) => p.getByRole('heading', { name: 'Ansatt måned' }).waitFor()],
        ['Kvitteringer', (p) => p.getByRole('button', { name: 'Last ned CSV (regnskap)' }).waitFor()],
        ['Enheter', (p) => p.getByText('demo-camera').waitFor()],
        ['Brukere og roller', (p) => p.getByRole('heading', { name: 'Kundeservice' }).waitFor()],
        ['Kontrollsanksjoner', (p) => p.getByRole('heading', { name: 'Overtredelser' }).waitFor()],
      ];
      for (const [name, loaded] of pages) {
        await consoleNav(page).getByRole('link', { name }).click();
        await h1(page, name);
        await loaded(page);
        await shot(page, name.toLowerCase().replace(/\W+/g, '-'));
        await expectAccessible(page);
        await expectNoSidewaysScroll(page);
      }
      // Receipts of the period, shown.
      await consoleNav(page).getByRole('link', { name: 'Kvitteringer' }).click();
      await page.getByRole('button', { name: 'Vis' }).click();
      await page.locator('table.admin-table, [role=status]').first().waitFor();
      await expectAccessible(page);

      // English on the switch.
      await page.getByRole('button', { name: /^English/ }).click();
      await h1(page, 'Receipts');
      await consoleNav(page, 'Administration').getByRole('link', { name: 'Sanctions' }).click();
      await h1(page, 'Sanctions');
      await shot(page, 'sanctions-en');
      await expectAccessible(page);
      expect(pageErrors).toEqual([]);
      await context.close();
    },
    180_000,
  );

  it("runs an operator's day: an agreement by plate, a price, a staff list, a camera, a sanction, the support contacts", async () => {
    const { api } = env;
    const context = await newContext(browser, DESKTOP);
    const pageErrors = watchPageErrors(context);
    const page = await context.newPage();
    const shot = screenshots('console-operator-day');
    const buyer = await customer();
    const plate = randomPlate('OP');
    const bought = await buy(buyer, 'Døgnparkering', plate);

    await signInAt(page, '/admin', OPERATOR);
    await h1(page, 'Avtaler');

    // Find the agreement by its plate, read its history, terminate it with a pro rata refund.
    await page.getByLabel('Kjennemerke').fill(`${plate.slice(0, 2).toLowerCase()} ${plate.slice(2)}`);
    await page.getByRole('button', { name: 'Søk' }).click();
    await page.getByRole('link', { name: 'Døgnparkering' }).click();
    await page.getByRole('heading', { level: 2, name: 'Døgnparkering' }).waitFor();
    expect(page.url()).toContain(`#/admin/agreements/${bought.id}`);
    await expect(page.getByRole('table').last().textContent()).resolves.toContain('bruker');
    await shot(page, 'agreement');
    await expectAccessible(page);
    await page.getByLabel('Begrunnelse').fill('Kjøpt på feil bil');
    await page.getByLabel('Forholdsmessig refusjon av ubrukt tid').check();
    await page.getByRole('button', { name: 'Avslutt avtalen' }).click();
    await page.getByText('Avtalen er avsluttet.').waitFor();
    // The answer was the agreement ended; the operator's read model follows a moment later.
    const ended = await eventually(
      () => api.get(`/v1/admin/agreements/${bought.id}`, operator),
      (r) => r.body.status === 'ended',
      15_000,
    );
    expect(ended.body.status).toBe('ended');
    const history = await api.get(`/v1/admin/agreements/${bought.id}/history`, operator);
    expect(history.body.items.at(-1)).toMatchObject({ actor: { kind: 'user' } });
    await shot(page, 'terminated');

    // A new price for «Ansatt år»: purchases pay it now, renewals 30 days on.
    await consoleNav(page).getByRole('link', { name: 'Produkter' }).click();
    const yearly = page.getByRole('article', { name: 'Ansatt år' });
    await yearly.getByText('Endre pris').click();
    await yearly.getByLabel('Ny pris (kr inkl. mva.)').fill('12 500');
    await yearly.getByRole('button', { name: 'Lagre' }).click();
    await yearly
      .getByText(
        /Prisen er endret\. Nye kjøp betaler 12\s500\skr fra nå; fornyelser fra \d+\. \w+\.? \d{4}\./,
      )
      .waitFor();
    const repriced = await api.get(`/v1/products/${products['Ansatt år'].id}`);
    expect(repriced.body.price).toEqual({ amount: 1_250_000, currency: 'NOK' });
    await shot(page, 'price-changed');
    await expectAccessible(page);

    // A staff list from a CSV file (a header, a duplicate): the answer is what changed.
    const monthly = page.getByRole('article', { name: 'Ansatt måned' });
    await monthly.getByText('Ansattliste').click();
    await monthly.getByLabel('Fil med ansattnumre').setInputFiles({
      name: 'ansatte.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Ansattnummer;Navn\n10001;Kari\n10002;Ola\n20001;Per\n20002;Siri\n20001;Per\n'),
    });
    await monthly.getByText('Lest 4 ansattnumre fra filen (1 dubletter, 0 ugyldige linjer).').waitFor();
    await monthly
      .getByText('Ansattlisten er oppdatert: 4 numre, 2 lagt til, 997 fjernet, 2 uendret.')
      .waitFor({ timeout: 30_000 });
    await monthly.getByText('Lagt til: 20001, 20002').waitFor();
    await monthly.getByText(/^Fjernet: 10003, 10004, .* …$/).waitFor();
    await shot(page, 'staff-list');
    await expectAccessible(page);
    // The same list again changes nothing, and says so.
    const again = await api.post(
      `/v1/admin/products/${products['Ansatt måned'].id}/employees/upload`,
      { employeeNumbers: ['20002', '10001', '20001', '10002'] },
      operator,
    );
    expect(again.body).toMatchObject({ count: 4, added: 0, removed: 0, unchanged: 4 });

    // A camera for P1: its secret is shown once and works; a new secret replaces it; revoked, it stops.
    await consoleNav(page).getByRole('link', { name: 'Enheter' }).click();
    await page.getByLabel('Navn').fill('Kamera nord');
    await page.getByLabel('Tønsberg Sykehus – P1').check();
    await page.getByRole('button', { name: 'Opprett' }).click();
    await page.getByText('Hemmeligheten vises bare nå.', { exact: false }).waitFor();
    const shown = page.locator('.secret code');
    const [clientId, clientSecret] = [await shown.nth(0).textContent(), await shown.nth(1).textContent()];
    expect((await api.post('/v1/auth/token', { clientId, clientSecret })).status).toBe(200);
    await page.getByRole('cell', { name: 'Kamera nord', exact: true }).waitFor();
    await shot(page, 'camera');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Ny hemmelighet: Kamera nord' }).click();
    await page.waitForFunction(
      // Runs in the page (the specs are type-checked without the DOM library).
      (old) =>
        (
          globalThis as unknown as {
            document: { querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> };
          }
        ).document.querySelectorAll('.secret code')[1]?.textContent !== old,
      clientSecret,
      { timeout: 10_000 },
    );
    const rotated = await page.locator('.secret code').nth(1).textContent();
    expect((await api.post('/v1/auth/token', { clientId, clientSecret })).status).toBe(401);
    expect((await api.post('/v1/auth/token', { clientId, clientSecret: rotated })).status).toBe(200);
    await page.getByRole('button', { name: 'Trekk tilbake: Kamera nord' }).click();
    await page.getByRole('button', { name: 'Ja, trekk tilbake Kamera nord' }).click();
    await page.getByRole('row', { name: /Kamera nord.*Trukket tilbake/ }).waitFor();
    expect((await api.post('/v1/auth/token', { clientId, clientSecret: rotated })).status).toBe(401);

    // A sanction an officer issued, cancelled with a reason.
    const stranger = randomPlate('SX');
    const v = await violation(stranger);
    const issued = await api.post(`/v1/enforcement/violations/${v.id}/sanction`, {}, officer);
    expect(issued.status).toBe(201);
    const n = issued.body.number;
    await consoleNav(page).getByRole('link', { name: 'Kontrollsanksjoner' }).click();
    await h1(page, 'Kontrollsanksjoner');
    // Operators read violations but do not issue sanctions.
    await page.getByText(stranger).first().waitFor();
    await expect(page.getByRole('button', { name: /^Ilegg kontrollsanksjon/ }).count()).resolves.toBe(0);
    await page.getByLabel(`Begrunnelse for annullering – Nr. ${n}`).fill('Skiltet var tildekket av snø');
    await page.getByRole('button', { name: `Annuller – Nr. ${n}` }).click();
    await page.getByText(`Kontrollsanksjon nr. ${n} er annullert.`).waitFor();
    const sanctions = await api.get('/v1/enforcement/sanctions', operator);
    expect(sanctions.body.items.find((s: any) => s.id === issued.body.id)).toMatchObject({
      status: 'cancelled',
    });
    await shot(page, 'sanction-cancelled');
    await expectAccessible(page);

    // The support contacts: set here, shown by GET /v1/operator and in the footer.
    await consoleNav(page).getByRole('link', { name: 'Brukere og roller' }).click();
    await page.getByLabel('Mobilnummer').fill(OFFICER);
    await page.getByRole('button', { name: 'Søk' }).click();
    await expect(page.getByLabel('Parkeringsvakt').isChecked()).resolves.toBe(true);
    await page.getByLabel('Telefon til kundeservice').fill('+47 33 12 34 56');
    await page.getByLabel('E-post til kundeservice').fill('hjelp@demo.example.no');
    await page.getByRole('button', { name: 'Lagre', exact: true }).click();
    await page.getByText('Lagret.').waitFor();
    const op = await api.get('/v1/operator', undefined, { 'x-operator': 'demo' });
    expect(op.body).toMatchObject({ supportPhone: '+47 33 12 34 56', supportEmail: 'hjelp@demo.example.no' });
    await page.reload();
    await page.locator('footer').getByRole('link', { name: '+47 33 12 34 56' }).waitFor();
    await shot(page, 'support-contacts');
    // A bad e-mail is refused naming the field, and changes nothing.
    await page.getByLabel('E-post til kundeservice').fill('ikke en adresse');
    await page.getByRole('button', { name: 'Lagre', exact: true }).click();
    await page.getByText(/supportEmail/).waitFor();
    expect((await api.get('/v1/operator', undefined, { 'x-operator': 'demo' })).body.supportEmail).toBe(
      'hjelp@demo.example.no',
    );
    expect(pageErrors).toEqual([]);
    await context.close();
  }, 240_000);

  it('answers parallel staff-list uploads each with the difference it made, in the order they ran', async () => {
    const { api } = env;
    const id = products['Ansatt år'].id;
    const upload = (employeeNumbers: string[]) =>
      api.post(`/v1/admin/products/${id}/employees/upload`, { employeeNumbers }, operator);
    const before = await upload(['X1', 'X2', 'X3', 'X4']);
    expect(before.status).toBe(200);
    const [a, b] = await Promise.all([upload(['A1', 'A2', 'A3']), upload(['B1', 'B2'])]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const aFirst = a.body.added === 3 && a.body.removed === 4 && b.body.added === 2 && b.body.removed === 3;
    const bFirst = b.body.added === 2 && b.body.removed === 4 && a.body.added === 3 && a.body.removed === 2;
    expect({ a: a.body, b: b.body, serialised: aFirst || bFirst }).toMatchObject({ serialised: true });
    // What the last one left is the list.
    const last = aFirst ? ['B1', 'B2'] : ['A1', 'A2', 'A3'];
    expect((await upload(last)).body).toMatchObject({ added: 0, removed: 0, unchanged: last.length });
  });

  it.each(SIZES)(
    'lets an officer issue a sanction at %s px, and refuses the operator pages',
    async (size, viewport) => {
      const { api } = env;
      const stranger = randomPlate('OF');
      await violation(stranger);
      const context = await newContext(browser, viewport);
      const pageErrors = watchPageErrors(context);
      const page = await context.newPage();
      const shot = screenshots(`console-officer-${size}`);

      await signInAt(page, '/admin', OFFICER);
      await h1(page, 'Kontrollsanksjoner');
      await expect(consoleNav(page).getByRole('link').allTextContents()).resolves.toEqual([
        'Kontrollsanksjoner',
      ]);
      await page.getByRole('button', { name: `Ilegg kontrollsanksjon – ${stranger}` }).click();
      await page.getByText(/^Kontrollsanksjon nr\. \d+ er ilagt\.$/).waitFor();
      const sanctions = await api.get('/v1/enforcement/sanctions', officer);
      expect(sanctions.body.items.filter((s: any) => s.plate === stranger)).toMatchObject([
        { status: 'issued', amount: { amount: 60000, currency: 'NOK' } },
      ]);
      await shot(page, 'issued');
      await expectAccessible(page);
      await expectNoSidewaysScroll(page);

      // The operator's pages: a refusal, and none of their data.
      for (const [path, title] of [
        ['/admin/products', 'Produkter'],
        ['/admin/agreements', 'Avtaler'],
        ['/admin/devices', 'Enheter'],
      ]) {
        await page.goto(`${env.portal.url}/#${path}`);
        await h1(page, title);
        await page.getByText('Denne siden er for operatørens administratorer.', { exact: false }).waitFor();
        const text = await page.locator('main').textContent();
        for (const secret of ['Ansatt måned', 'demo-camera', 'Kjennemerke'])
          expect(text).not.toContain(secret);
        await shot(page, `refused-${title.toLowerCase()}`);
        await expectAccessible(page);
      }
      expect(pageErrors).toEqual([]);
      await context.close();
    },
    180_000,
  );

  it.each(SIZES)(
    'refuses the console to a customer at %s px (the login first, then a refusal) and shows no link to it',
    async (size, viewport) => {
      const who = await customer();
      const context = await newContext(browser, viewport);
      const page = await context.newPage();
      const shot = screenshots(`console-customer-${size}`);
      await page.goto(`${env.portal.url}/#/admin/sanctions`);
      await h1(page, 'Logg inn');
      await shot(page, 'login-first');
      await signInAt(page, '/admin/sanctions', who.phone, 'passord-1234');
      await h1(page, 'Kontrollsanksjoner');
      await page.getByText('Denne siden er for operatørens ansatte.', { exact: false }).waitFor();
      await expect(page.getByRole('heading', { name: 'Overtredelser' }).count()).resolves.toBe(0);
      await expect(page.getByRole('link', { name: 'Administrasjon' }).count()).resolves.toBe(0);
      await shot(page, 'refused');
      await expectAccessible(page);
      await page.goto(`${env.portal.url}/#/admin`);
      await h1(page, 'Administrasjon');
      await page.getByText('Denne siden er for operatørens ansatte.', { exact: false }).waitFor();
      await context.close();
    },
    120_000,
  );

  it("never shows one operator's data to another operator's staff", async () => {
    const buyer = await customer();
    const plate = randomPlate('FJ');
    await buy(buyer, 'Døgnparkering', plate);
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const shot = screenshots('console-other-operator');
    await signInAt(page, '/admin', FJORD_OPERATOR, PASSWORD, '?operator=fjord');
    await h1(page, 'Avtaler');
    await expect(page.locator('.brand').textContent()).resolves.toContain('Fjord Parkering AS');
    await page.getByLabel('Kjennemerke').fill(plate);
    await page.getByRole('button', { name: 'Søk' }).click();
    await page.getByText('Ingen treff.').waitFor();
    await consoleNav(page).getByRole('link', { name: 'Produkter' }).click();
    await page.getByRole('heading', { name: 'Bergen', exact: true }).waitFor();
    const text = await page.locator('main').textContent();
    for (const demo of ['Døgnparkering', 'Ansatt måned', 'Tønsberg']) expect(text).not.toContain(demo);
    await shot(page, 'fjord-products');
    await context.close();
  }, 120_000);

  it.each(SIZES)(
    'lets a customer switch the card of a past-due agreement from the failed-renewal text, at %s px',
    async (size, viewport) => {
      const { api } = env;
      const who = await customer('tok_fail_after_first');
      const plate = randomPlate('PD');
      const bought = await buy(who, 'Månedskort sentrum', plate);
      const periodEnd = bought.validTo;
      const sentAfter = Date.now() - 1000;
      const run = await api.post('/v1/admin/renewals/run', { asOf: bought.nextRenewalAt }, operator);
      expect(run.status).toBe(200);
      await eventually(
        () => api.get(`/v1/agreements/${bought.id}`, who.token),
        (r) => r.body.status === 'past_due',
        15_000,
      );
      // The text names the page: «Bytt kort» for this agreement.
      const inbox = await eventually(
        () => api.get(`/v1/dev/sms?phone=${encodeURIComponent(who.phone)}`),
        (r) => r.body.items.some((m: any) => /Vi fikk ikke trukket/.test(m.text)),
        // Sent from the renewal service's outbox (every 2 s, more on a loaded machine).
        60_000,
      );
      const sms = inbox.body.items.find((m: any) => /Vi fikk ikke trukket/.test(m.text));
      expect({ inbox: inbox.body.items, found: !!sms }).toMatchObject({ found: true });
      const text = sms.text as string;
      expect(Date.parse(sms.sentAt)).toBeGreaterThanOrEqual(sentAfter);
      const link = /https:\/\/demo\.localhost\/(#\/agreements\/[^\s]+\/card)/.exec(text);
      expect(link?.[1]).toBe(`#/agreements/${bought.id}/card`);
      expect(text).toMatch(/Kundeservice: \+47/);

      const context = await newContext(browser, viewport);
      const pageErrors = watchPageErrors(context);
      const page = await context.newPage();
      const shot = screenshots(`console-change-card-${size}`);
      await signInAt(page, link![1].slice(1), who.phone, 'passord-1234');
      await h1(page, 'Bytt kort for Månedskort sentrum');
      await page.getByText('Siste fornyelse kunne ikke belastes.', { exact: false }).waitFor();
      await shot(page, 'past-due');
      await expectAccessible(page);
      await expectNoSidewaysScroll(page);
      // The failing card is the only one: add another; it is used at once and the renewal retried.
      await expect(page.getByRole('button', { name: 'Bruk dette kortet' }).isDisabled()).resolves.toBe(true);
      await page.getByLabel('Kort', { exact: true }).selectOption('tok_visa');
      await page.getByRole('button', { name: 'Lagre kort' }).click();
      await page.getByText('Kortet er byttet, og betalingen er prøvd igjen med det nye kortet.').waitFor();
      const recovered = await eventually(
        () => api.get(`/v1/agreements/${bought.id}`, who.token),
        (r) => r.body.status === 'active' && r.body.validTo !== periodEnd,
        15_000,
      );
      expect(recovered.body.status).toBe('active');
      expect(recovered.body.paymentMethodId).not.toBe(who.cardId);
      await shot(page, 'switched');
      await expectAccessible(page);

      // The agreement's page: «Bytt kort» offered; a Swedish plate instead of the Norwegian one.
      await page.getByRole('link', { name: 'Parkeringsavtale', exact: true }).click();
      await h1(page, 'Månedskort sentrum');
      await page.getByRole('link', { name: 'Bytt kort' }).waitFor();
      await page.getByRole('button', { name: `Fjern ${plate}` }).click();
      await page.getByLabel('Land').selectOption('S');
      await page.getByLabel('Kjennemerke', { exact: true }).last().fill('abc 123');
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await page.getByText('ABC123 (S)').waitFor();
      await page.getByRole('button', { name: 'Lagre kjøretøy' }).click();
      await page.getByText('Kjøretøyene er lagret.').waitFor();
      // The customer's read model follows the change's answer a moment later.
      const changed = await eventually(
        () => api.get(`/v1/agreements/${bought.id}`, who.token),
        (r) => r.body.vehicles?.[0]?.plate === 'ABC123',
        15_000,
      );
      expect(changed.body.vehicles).toEqual([{ plate: 'ABC123', country: 'S' }]);
      await shot(page, 'foreign-plate');
      await expectAccessible(page);

      // «Viktig informasjon» on the product page and the receipt, customer service in the footer.
      const operatorNow = (await api.get('/v1/operator', undefined, { 'x-operator': 'demo' })).body;
      const place = places['Oslo Sentrum P-hus'];
      await page.goto(
        `${env.portal.url}/#/new/${place.cityId}/${place.locationId}/${products['Månedskort sentrum'].id}`,
      );
      await h1(page, 'Månedskort sentrum');
      await page.getByRole('heading', { level: 2, name: 'Viktig informasjon' }).waitFor();
      await page.getByText('kan bare ETT av dem stå parkert om gangen', { exact: false }).waitFor();
      await page.locator('footer').getByRole('link', { name: operatorNow.supportPhone }).waitFor();
      await shot(page, 'important-info-product');
      await expectAccessible(page);
      const receipts = await api.get('/v1/receipts', who.token);
      await page.goto(`${env.portal.url}/#/receipts/${receipts.body.items.at(-1).id}`);
      await page.getByRole('heading', { level: 2, name: 'Viktig informasjon' }).waitFor();
      await shot(page, 'important-info-receipt');
      await expectAccessible(page);
      expect(pageErrors).toEqual([]);
      await context.close();
    },
    180_000,
  );
});
