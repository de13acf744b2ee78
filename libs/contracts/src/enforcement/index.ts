// Enforcement: plate checks against zones at an instant.
import { z } from 'zod';
import { countrySchema, plateSchema } from '../common/plate.js';

export const ENFORCEMENT_SUBJECTS = {
  check: 'enforcement.check',
  checks: 'enforcement.checks',
  whitelist: 'enforcement.whitelist',
} as const;

const instant = z.iso.datetime({ offset: true, message: 'an RFC 3339 time with an offset' });

export const checkSchema = z.object({
  plate: plateSchema,
  country: countrySchema.default('NO'),
  zone: z.string().min(1).max(100),
  at: instant.optional(),
});
export type CheckRequest = z.infer<typeof checkSchema>;

export const checksSchema = z.object({
  zone: z.string().min(1).max(100),
  at: instant.optional(),
  plates: z
    .array(z.union([plateSchema, z.object({ plate: plateSchema, country: countrySchema.default('NO') })]))
    .min(1)
    .max(1000, 'at most 1000 plates'),
});

export type CheckReason =
  | 'valid_agreement'
  | 'no_agreement'
  | 'not_valid_in_zone'
  | 'not_started'
  | 'ended'
  | 'another_vehicle_parked';

export interface Check {
  plate: string;
  country: string;
  zone: string;
  at: string;
  allowed: boolean;
  reason: CheckReason;
  agreementId: string | null;
  validFrom: string | null;
  validTo: string | null;
}
