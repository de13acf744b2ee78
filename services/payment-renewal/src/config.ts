// The payment-renewal service's environment.
import { baseServiceConfig } from '@parking/platform';
import { z } from 'zod';

export const configSchema = baseServiceConfig.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /** Prefix of this service's durable JetStream consumers (one stack per prefix). */
  CONSUMER_PREFIX: z.string().min(1).default('payment-renewal'),
  /** Which card processor: the built-in sandbox, or a real PSP adapter. */
  PSP_PROVIDER: z.enum(['sandbox']).default('sandbox'),
  /** HMAC key of the PSP's webhook signatures. */
  PSP_WEBHOOK_SECRET: z.string().min(16).default('sandbox-webhook-secret-change-me'),
  /** How often the scheduler runs renewals for every operator (0: never; runs then come only by request). */
  RENEWAL_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
  /**
   * Tests only: every PSP call answers this much later (a slow card processor), to show that nothing
   * waits on it inside a database transaction.
   */
  PSP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** How often first charges left between intent and outcome (a crash) are taken up again. */
  FIRST_CHARGE_RESUME_MS: z.coerce.number().int().min(100).default(5_000),
  /** How often the reconciliation runs for every operator (0: only by request). */
  RECONCILE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(15 * 60_000),
});
export type Config = z.output<typeof configSchema>;
