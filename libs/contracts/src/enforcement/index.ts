// Enforcement: plate checks against zones at an instant, gate whitelists, observations, violations and
// control sanctions (requests, replies and the presence broadcast between enforcement replicas).
import { z } from 'zod';
import type { Money } from '../common/money.js';
import { countrySchema, plateSchema } from '../common/plate.js';

export * from './lean.js';

export const ENFORCEMENT_SUBJECTS = {
  check: 'enforcement.check',
  checks: 'enforcement.checks',
  /** One page of a zone's whitelist (the gateway joins the pages into one answer). */
  whitelist: 'enforcement.whitelist',
  observe: 'enforcement.observe',
  listViolations: 'enforcement.violations.list',
  issueSanction: 'enforcement.sanction.issue',
  listSanctions: 'enforcement.sanctions.list',
  cancelSanction: 'enforcement.sanction.cancel',
} as const;

/**
 * Core NATS (every replica, no queue group): an observation changed who is present, so each replica's
 * in-memory presence answers `another_vehicle_parked` like the one that recorded it.
 */
export const ENFORCEMENT_PRESENCE_SUBJECT = 'enforcement.presence.changed';

export const CHECKS_MAX = 1000;
export const WHITELIST_PAGE_MAX = 5000;

const instant = z.iso.datetime({ offset: true, message: 'an RFC 3339 time with an offset' });
const zone = z.string().trim().min(1, 'a zone id').max(100);
const id = z.string().min(1).max(100);

export const checkSchema = z.object({
  plate: plateSchema,
  country: countrySchema.default('NO'),
  zone,
  at: instant.optional(),
});
export type CheckRequest = z.infer<typeof checkSchema>;

export const checksSchema = z.object({
  zone,
  at: instant.optional(),
  plates: z
    .array(z.union([plateSchema, z.object({ plate: plateSchema, country: countrySchema.default('NO') })]))
    .min(1, 'at least one plate')
    .max(CHECKS_MAX, `at most ${CHECKS_MAX} plates`),
});
export type ChecksRequest = z.infer<typeof checksSchema>;

export const whitelistQuerySchema = z.object({ zone });
/** What the gateway asks the service for, page by page, all at the first page's `asOf`. */
export const whitelistPageSchema = whitelistQuerySchema.extend({
  asOf: instant.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(WHITELIST_PAGE_MAX).default(WHITELIST_PAGE_MAX),
});

export const OBSERVATION_KINDS = ['seen', 'entry', 'exit'] as const;
export type ObservationKind = (typeof OBSERVATION_KINDS)[number];
export const observationSchema = z.object({
  plate: plateSchema,
  country: countrySchema.default('NO'),
  zone,
  observedAt: instant.optional(),
  kind: z.enum(OBSERVATION_KINDS).default('seen'),
});
export type ObservationRequest = z.infer<typeof observationSchema>;

const limit = z.coerce.number().int().min(1).max(1000).default(200);
export const listViolationsSchema = z.object({
  zone: zone.optional(),
  since: instant.optional(),
  limit,
  cursor: z.string().max(200).optional(),
});
export const listSanctionsSchema = z.object({
  since: instant.optional(),
  limit,
  cursor: z.string().max(200).optional(),
});
export const issueSanctionBodySchema = z.object({ note: z.string().trim().max(1000).optional() });
export const issueSanctionSchema = issueSanctionBodySchema.extend({ violationId: id });
export const cancelSanctionBodySchema = z.object({
  reason: z.string().trim().min(1, 'a reason').max(1000),
});
export const cancelSanctionSchema = cancelSanctionBodySchema.extend({ sanctionId: id });

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

export interface WhitelistEntry {
  plate: string;
  country: string;
  agreementId: string;
  validTo: string;
}
export interface Whitelist {
  zone: string;
  asOf: string;
  items: WhitelistEntry[];
}
export interface WhitelistPage extends Whitelist {
  nextCursor: string | null;
}

export type ViolationType = 'no_valid_agreement' | 'multiple_vehicles_parked';
export interface Violation {
  id: string;
  type: ViolationType;
  plate: string;
  country: string;
  zone: string;
  at: string;
  agreementId: string | null;
  otherPlates: string[];
  status: 'open' | 'sanctioned';
}

export interface ObservationRecorded {
  id: string;
  check: Check;
  violation: Violation | null;
}

export interface Sanction {
  id: string;
  number: number;
  violationId: string;
  plate: string;
  country: string;
  zone: string;
  amount: Money;
  issuedAt: string;
  /** Calendar date in the zone's time zone. */
  dueDate: string;
  status: 'issued' | 'cancelled';
  note: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
}

export interface Items<T> {
  items: T[];
  nextCursor: string | null;
}

/** One vehicle's latest observation, as broadcast to every replica. */
export interface PresenceChanged {
  operatorId: string;
  plate: string;
  country: string;
  kind: ObservationKind;
  observedAt: string;
  /** The zone observed in. */
  zone?: string;
  /** An entry: when it stops counting without an exit (the zone's maximum stay). */
  expiresAt?: string;
}

/** `observedAt` may be at most this far ahead of the service's clock… */
export const OBSERVED_AHEAD_MAX_MS = 5 * 60_000;
/** …and at most this old. */
export const OBSERVED_AGE_MAX_MS = 24 * 3_600_000;
