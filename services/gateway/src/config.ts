// The gateway's environment: where it listens, the default operator, CORS and whose readiness it requires.
import { commonConfig } from '@parking/platform';
import { z } from 'zod';

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** `true`/`false`, a hop count, or a comma list of trusted proxy addresses (Fastify's trustProxy). */
const trustProxy = z
  .string()
  .optional()
  .transform((raw): boolean | number | string[] => {
    if (raw === undefined || raw === 'false' || raw === '0') return false;
    if (raw === 'true') return true;
    if (/^\d+$/.test(raw)) return Number(raw);
    return list(raw);
  });

export const configSchema = commonConfig.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DEFAULT_OPERATOR: z.string().min(1).default('demo'),
  /** Portal origins allowed by CORS, comma-separated; none when unset. */
  CORS_ORIGINS: z.string().optional().transform(list),
  /** Services whose `<service>.ready` answer /health/ready requires. */
  SERVICES: z.string().default('identity,catalogue,agreement,payment-renewal,enforcement').transform(list),
  TRUST_PROXY: trustProxy,
  /** How long a forwarded request may take before the gateway answers 503. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** How often the operator list is refetched (besides on every OperatorChanged). */
  OPERATORS_REFRESH_MS: z.coerce.number().int().min(1_000).default(30_000),
});
export type Config = z.output<typeof configSchema>;
