// The payment-renewal service's environment.
import { baseServiceConfig } from '@parking/platform';
import { z } from 'zod';

export const configSchema = baseServiceConfig.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Prefix of this service's durable JetStream consumers (one stack per prefix). */
  CONSUMER_PREFIX: z.string().min(1).default('payment-renewal'),
  /**
   * The card processor of an operator whose `psp.provider` names none this service knows. Each operator
   * chooses its own with `psp.provider` (`sandbox` or `stripe`) and `psp.account`.
   */
  PSP_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
  /** HMAC key of the sandbox PSP's webhook signatures. */
  PSP_WEBHOOK_SECRET: z.string().min(16).default('sandbox-webhook-secret-change-me'),
  /**
   * Stripe (docs/card-processor.md): the platform's secret API key and the webhook endpoint's signing
   * secret, each given directly or as a secret reference — the path of a file holding it (a mounted
   * Kubernetes or Docker secret). Neither is ever written to events or logs.
   */
  STRIPE_SECRET_KEY: z.string().min(8).optional(),
  STRIPE_SECRET_KEY_FILE: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(8).optional(),
  STRIPE_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
  /** Stripe's API (a local fake in tests). */
  STRIPE_API_URL: z.url().default('https://api.stripe.com'),
  /** How long one Stripe request may take before its outcome is left to the webhook. */
  STRIPE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(20_000),
  /** How old a webhook's signed timestamp may be (replays of older ones are refused). */
  STRIPE_WEBHOOK_TOLERANCE_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /** How often the scheduler runs renewals for every operator (0: never; runs then come only by request). */
  RENEWAL_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
});
export type Config = z.output<typeof configSchema>;
