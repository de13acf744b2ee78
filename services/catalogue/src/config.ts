// The catalogue service's environment.
import { baseServiceConfig } from '@parking/platform';
import { z } from 'zod';

export const configSchema = baseServiceConfig.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  CONSUMER_PREFIX: z.string().min(1).default('catalogue'),
});
export type Config = z.output<typeof configSchema>;
