// The agreement service's environment.
import { baseServiceConfig } from '@parking/platform';
import { z } from 'zod';

export const configSchema = baseServiceConfig.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  /** Prefix of this service's durable JetStream consumers (one stack per prefix). */
  CONSUMER_PREFIX: z.string().min(1).default('agreement'),
  /** How long a purchase may wait for its first charge before it fails and frees its place. */
  PAYMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(900),
});
export type Config = z.output<typeof configSchema>;
