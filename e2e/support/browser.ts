// Helpers for the portal's browser journeys: Debian's chromium driven by playwright-core (no browser
// download), the portal server beside a journey stack, an axe-core scan, screenshots as test artifacts.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPortal, type Portal } from '../../deploy/local/portal.mjs';
import { Api, startJourneyStack } from './journey.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** Flags that keep chromium quiet on a machine with a closed network (no background calls home). */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && fs.existsSync(p)) ?? null;
}

/**
 * The chromium binary; installs Debian's `chromium` package when it is missing and this is root on
 * Debian (as `npm test` does for PostgreSQL and nats-server). Elsewhere it throws, naming what to do:
 * the browser journeys fail, they never pass without a browser.
 */
export function ensureChromium(): string {
  const found = chromiumPath();
  if (found) return found;
  const canInstall =
    process.getuid?.() === 0 &&
    fs.existsSync('/etc/debian_version') &&
    spawnSync('which', ['apt-get']).status === 0;
  if (!canInstall) {
    throw new Error(
      'chromium is not installed and cannot be installed here (needs root on Debian): ' +
        'install it (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary',
    );
  }
  process.stderr.write('[browser] installing chromium (apt-get install -y chromium)\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { stdio: 'inherit' as const, env, timeout: 600_000 };
  spawnSync('apt-get', ['update'], opts);
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], opts);
  const installed = chromiumPath();
  if (install.status !== 0 || !installed) throw new Error('apt-get install -y chromium failed (see above)');
  return installed;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), headless: true, args: CHROMIUM_FLAGS });
}

export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

/** A fresh context (its own storage and service workers) at a screen size; CSP is bypassed for axe only. */
export async function newContext(browser: Browser, viewport: { width: number; height: number }) {
  const phone = viewport.width < 600;
  return browser.newContext({
    viewport,
    isMobile: phone,
    hasTouch: phone,
    deviceScaleFactor: 1,
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
    bypassCSP: true,
    acceptDownloads: true,
    serviceWorkers: 'allow',
  });
}

export interface PortalStack {
  api: Api;
  gatewayUrl: string;
  portal: Portal;
  stop(): Promise<void>;
}

/**
 * A journey stack (every service, the gateway) and the portal server in front of it. With
 * PORTAL_E2E_GATEWAY_URL set (a running `npm start`'s gateway, in dev mode) the journeys use that
 * gateway instead of starting a stack: quicker when working on the portal.
 */
export async function startPortalStack(serviceEnv: Record<string, string> = {}): Promise<PortalStack> {
  const given = process.env.PORTAL_E2E_GATEWAY_URL;
  const env = given ? null : await startJourneyStack(serviceEnv);
  const gatewayUrl = given ?? env!.stack.gatewayUrl;
  const logDir = env?.stack.logDir ?? path.join(root, 'test-artifacts', 'logs');
  try {
    const portal = await startPortal({
      gatewayUrl,
      port: 0, // any free one: the portal reports the port it bound
      logFile: path.join(logDir, 'portal.log'),
    });
    return {
      api: env?.api ?? new Api(gatewayUrl),
      gatewayUrl,
      portal,
      stop: async () => {
        await portal.stop();
        await env?.stop();
      },
    };
  } catch (err) {
    await env?.stop();
    throw err;
  }
}

/** A Norwegian mobile number no other run of the journeys has used (a reused stack keeps its people). */
export function newPhone(): string {
  return `+479${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
}

/** Screenshots numbered in order under test-artifacts/portal/<journey>/. */
export function screenshots(journey: string) {
  const dir = path.join(root, 'test-artifacts', 'portal', journey);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page: Page, step: string) => {
    n += 1;
    await page.screenshot({
      path: path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`),
      fullPage: true,
    });
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = () => fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.x A/AA rules on the page as it is now: the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"')))
    await page.addScriptTag({ content: axeSource() });
  const violations = (await page.evaluate(
    `window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
       .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The newest code in the dev SMS inbox for `phone` whose text matches `kind` (sign-in or card check). */
export async function smsCode(api: Api, phone: string, kind: RegExp, after = 0): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const inbox = await api.get(`/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
    const message = (inbox.body?.items ?? []).find(
      (m: any) => kind.test(m.text) && Date.parse(m.sentAt) >= after,
    );
    const code = message && /\b(\d{6})\b/.exec(message.text)?.[1];
    if (code) return code;
    if (Date.now() > deadline)
      throw new Error(`no code for ${phone} in the dev inbox: ${JSON.stringify(inbox.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects what would otherwise be a blank page: uncaught page errors and console errors. */
export function watchPageErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  context.on('page', (page) => {
    page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
  });
  return errors;
}

/** Today + `days` in Oslo, as YYYY-MM-DD (the demo location's time zone). */
export function osloDate(days = 0): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
