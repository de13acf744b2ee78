// In production a service refuses to start with a setting that would be unsafe there: one line on
// stderr naming the setting, exit code 1, before it touches a database or NATS. Runs the built services.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, jest } from '@jest/globals';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function start(service: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, [path.join(root, 'services', service, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      // Nothing listens here: a service that got past its config would fail differently (or hang).
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
      NATS_URL: 'nats://127.0.0.1:9',
      ...env,
    },
    encoding: 'utf8',
    // Generous: on a loaded machine a cold Node start with tracing takes seconds.
    timeout: 90_000,
  });
  const lines = result.stderr.split('\n').filter(Boolean);
  return { status: result.status, lines };
}

const STRONG = 'k3J9vQ2xLr8TzW4pN6yH1mB5cF7dG0sA';

jest.setTimeout(120_000);

describe('production refuses unsafe settings', () => {
  it('refuses the sandbox PSP', () => {
    const { status, lines } = start('payment-renewal', {
      PSP_PROVIDER: 'sandbox',
      PSP_WEBHOOK_SECRET: STRONG,
    });
    expect(status).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/^config: PSP_PROVIDER: the sandbox PSP is refused in production/),
    ]);
  }, 120_000);

  it.each([
    ['unset', {}],
    ['empty', { PSP_WEBHOOK_SECRET: '' }],
    ['the published default', { PSP_WEBHOOK_SECRET: 'sandbox-webhook-secret-change-me' }],
    ['the dev overlay secret', { PSP_WEBHOOK_SECRET: 'dev-only-psp-webhook-secret' }],
  ])(
    'refuses a webhook secret that is %s',
    (_name, env: Record<string, string>) => {
      const { status, lines } = start('payment-renewal', env);
      expect(status).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^config: .*PSP_WEBHOOK_SECRET: /);
    },
    120_000,
  );

  it('refuses the dev SMS inbox', () => {
    const { status, lines } = start('identity', { SMS_PROVIDER: 'dev-inbox', OTP_HASH_KEY: STRONG });
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^config: SMS_PROVIDER: /)]);
  }, 120_000);
});
