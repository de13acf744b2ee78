// Stripe's settings from the service's config: each secret given directly or by reference (a file, as a
// mounted Kubernetes or Docker secret). Null when Stripe is not configured (the sandbox-only default).
import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  apiUrl: string;
  timeoutMs: number;
  webhookToleranceS: number;
}

type StripeConfig = Pick<
  Config,
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_SECRET_KEY_FILE'
  | 'STRIPE_WEBHOOK_SECRET'
  | 'STRIPE_WEBHOOK_SECRET_FILE'
  | 'STRIPE_API_URL'
  | 'STRIPE_TIMEOUT_MS'
  | 'STRIPE_WEBHOOK_TOLERANCE_S'
>;

export function stripeSettings(
  config: StripeConfig,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): StripeSettings | null {
  const secret = (name: string, value?: string, file?: string): string | undefined => {
    if (value && file) throw new Error(`${name} and ${name}_FILE are both set: give one`);
    // The error names the variable, never the value.
    const found = file ? readFile(file).trim() : value;
    if (file && !found) throw new Error(`${name}_FILE names an empty file`);
    return found;
  };
  const secretKey = secret('STRIPE_SECRET_KEY', config.STRIPE_SECRET_KEY, config.STRIPE_SECRET_KEY_FILE);
  const webhookSecret = secret(
    'STRIPE_WEBHOOK_SECRET',
    config.STRIPE_WEBHOOK_SECRET,
    config.STRIPE_WEBHOOK_SECRET_FILE,
  );
  if (!secretKey && !webhookSecret) return null;
  if (!secretKey || !webhookSecret)
    throw new Error('Stripe needs both STRIPE_SECRET_KEY(_FILE) and STRIPE_WEBHOOK_SECRET(_FILE)');
  return {
    secretKey,
    webhookSecret,
    apiUrl: config.STRIPE_API_URL,
    timeoutMs: config.STRIPE_TIMEOUT_MS,
    webhookToleranceS: config.STRIPE_WEBHOOK_TOLERANCE_S,
  };
}
