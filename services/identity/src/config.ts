// The identity service's environment.
import { baseServiceConfig } from '@parking/platform';
import { z } from 'zod';

export const configSchema = baseServiceConfig
  .extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    CONSUMER_PREFIX: z.string().min(1).default('identity'),
    /** Key of the one-time codes' HMAC: codes are stored only as keyed hashes. */
    OTP_HASH_KEY: z.string().min(16).optional(),
    SMS_PROVIDER: z.enum(['dev-inbox', 'http']).optional(),
    SMS_HTTP_URL: z.url().optional(),
    SMS_HTTP_TOKEN: z.string().optional(),
    DEFAULT_OPERATOR: z.string().min(1).default('demo'),
    DEMO_DEVICE_SECRET: z.string().min(8).default('demo-camera-secret'),
    FJORD_DEVICE_SECRET: z.string().min(8).default('fjord-camera-secret'),
    BOOTSTRAP_PLATFORM_PHONES: z.string().default(''),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    /** A refresh token not used for this many days expires (PRODUCT.md: 30). */
    REFRESH_TOKEN_IDLE_DAYS: z.coerce.number().min(0.0001).default(30),
    /** A session ends this many days after its sign-in, however often refreshed (PRODUCT.md: 180). */
    REFRESH_TOKEN_MAX_DAYS: z.coerce.number().min(0.0001).default(180),
    /** A new signing key after this many days; the old one is still published for a day. */
    SIGNING_KEY_MAX_AGE_DAYS: z.coerce.number().min(0.01).default(30),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.OTP_HASH_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OTP_HASH_KEY'], message: 'required in production' });
    }
    if (c.NODE_ENV === 'production' && c.SMS_PROVIDER !== 'http') {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_PROVIDER'],
        message: 'must be http in production (the dev inbox is off)',
      });
    }
  });
export type Config = z.output<typeof configSchema>;

export const otpHashKey = (c: Config) => c.OTP_HASH_KEY ?? 'dev-only-otp-hash-key-not-for-production';
export const smsProvider = (c: Config) =>
  c.SMS_PROVIDER ?? (c.NODE_ENV === 'production' ? 'http' : 'dev-inbox');
