// The bodies the HTTP API answers with, as zod schemas: the gateway's OpenAPI document describes its
// responses from these. Each context keeps its TypeScript interfaces; the checks at the bottom fail the
// build when a schema here and the interface it describes stop agreeing (in either direction).
import { z } from 'zod';
import type { AdminHistoryEntry, Agreement, HistoryEntry } from '../agreement/index.js';
import type {
  City,
  Location,
  Product,
  ProductZone,
  StaffListDifference,
  Terms,
  Zone,
} from '../catalogue/index.js';
import { ROLES } from '../common/context.js';
import type { Check, ObservationRecorded, Sanction, Violation, WhitelistPage } from '../enforcement/index.js';
import {
  operatorSchema,
  type AdminUser,
  type CreatedDevice,
  type Device,
  type DeviceTokenResponse,
  type DevSms,
  type Me,
  type OtpChallenge,
  type PersonalDataExport,
  type PublicOperator,
  type TokenResponse,
} from '../identity/index.js';
import type { PaymentMethod, Receipt, RenewalRun } from '../payment/index.js';

const instant = z.string().meta({ format: 'date-time', examples: ['2026-05-01T08:00:00.000Z'] });
const day = z.string().meta({ format: 'date', examples: ['2026-05-15'] });
const money = z
  .object({ amount: z.number().int().meta({ description: 'øre (1/100 NOK)' }), currency: z.literal('NOK') })
  .meta({ id: 'Money', examples: [{ amount: 15000, currency: 'NOK' }] });
const role = z.enum(ROLES);
const vehicle = z.object({
  plate: z.string().meta({ examples: ['EK12345'] }),
  country: z.string().meta({ examples: ['NO'] }),
});

/** `{ items, nextCursor }`: every list the API answers (nextCursor null on the last page). */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

// Catalogue.
/** What a staff-list upload changed. */
export const staffListDifferenceResponse = z
  .object({
    count: z.number().int(),
    sha256: z.string(),
    added: z.number().int(),
    removed: z.number().int(),
    unchanged: z.number().int(),
    addedSample: z.array(z.string()),
    removedSample: z.array(z.string()),
  })
  .meta({ id: 'StaffListDifference' });
/** A zone as a product or an agreement names it. */
export const zoneResponse = z.object({ id: z.string(), name: z.string() }).meta({ id: 'Zone' });
/** A location's zone, with how long a car may stay inside (entry without exit expires after it). */
export const locationZoneResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    maxStayHours: z
      .number()
      .int()
      .meta({ examples: [24] }),
  })
  .meta({ id: 'LocationZone' });
export const cityResponse = z.object({ id: z.string(), name: z.string() }).meta({ id: 'City' });
export const locationResponse = z
  .object({
    id: z.string(),
    cityId: z.string(),
    name: z.string(),
    address: z.string(),
    timeZone: z.string().meta({ examples: ['Europe/Oslo'] }),
    geo: z.object({ lat: z.number(), lon: z.number() }),
    zones: z.array(locationZoneResponse),
  })
  .meta({ id: 'Location' });
export const productResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    locationId: z.string(),
    timeZone: z.string(),
    zones: z.array(zoneResponse),
    price: money,
    vatRate: z.number().meta({ examples: [25] }),
    period: z.object({ unit: z.enum(['day', 'week', 'month', 'year']), count: z.number().int() }),
    autoRenew: z.boolean(),
    maxVehicles: z.number().int(),
    startPolicy: z.enum(['chosen', 'at_purchase']),
    requiresEmployeeNumber: z.boolean(),
    termsId: z.string(),
    onSale: z.boolean(),
    capacity: z.number().int().nullable(),
    soldOut: z.boolean(),
  })
  .meta({ id: 'Product' });
export const termsResponse = z
  .object({
    id: z.string(),
    version: z.number().int(),
    title: z.string(),
    text: z.string(),
    publishedAt: instant,
  })
  .meta({ id: 'Terms' });

// Agreements.
const agreementStatus = z.enum([
  'pending_payment',
  'failed',
  'active',
  'past_due',
  'cancelled_at_period_end',
  'ended',
]);
export const agreementResponse = z
  .object({
    id: z.string(),
    status: agreementStatus,
    product: z.object({ id: z.string(), name: z.string(), locationId: z.string() }),
    vehicles: z.array(vehicle),
    zones: z.array(zoneResponse),
    validFrom: instant,
    validTo: instant,
    autoRenew: z.boolean(),
    nextRenewalAt: instant.nullable(),
    endsAt: instant.nullable(),
    employeeNumber: z.string().nullable(),
    paymentMethodId: z.string(),
    createdAt: instant,
    userId: z.string(),
    price: money,
  })
  .meta({ id: 'Agreement' });
const historyType = z.enum([
  'purchased',
  'activated',
  'purchase_failed',
  'vehicles_changed',
  'payment_method_changed',
  'renewed',
  'renewal_failed',
  'cancelled',
  'withdrawn',
  'terminated',
  'ended',
]);
export const historyEntryResponse = z
  .object({ type: historyType, at: instant, summary: z.string() })
  .meta({ id: 'HistoryEntry' });
export const adminHistoryEntryResponse = historyEntryResponse
  .extend({ actor: z.object({ kind: z.string(), id: z.string().optional() }).nullable() })
  .meta({ id: 'AdminHistoryEntry' });
export const customerVehicleResponse = z
  .object({ plate: z.string(), country: z.string(), agreementIds: z.array(z.string()) })
  .meta({ id: 'CustomerVehicle' });

// Payments.
export const paymentMethodResponse = z
  .object({
    id: z.string(),
    brand: z.string().meta({ examples: ['visa'] }),
    last4: z.string().meta({ examples: ['4242'] }),
    expMonth: z.number().int(),
    expYear: z.number().int(),
    status: z.enum(['requires_action', 'active']),
    challenge: z
      .object({
        challengeId: z.string(),
        kind: z.enum(['otp', 'redirect']),
        redirectUrl: z.string().optional(),
      })
      .optional()
      .meta({ description: 'Present while status is requires_action (3-D Secure)' }),
  })
  .meta({ id: 'PaymentMethod' });
export const receiptResponse = z
  .object({
    id: z.string(),
    number: z.number().int(),
    kind: z.enum(['charge', 'refund']),
    agreementId: z.string(),
    issuedAt: instant,
    seller: z.object({ name: z.string(), organisationNumber: z.string(), address: z.string() }),
    buyer: z.object({ userId: z.string(), name: z.string().nullable() }),
    product: z.object({ id: z.string(), name: z.string() }),
    plates: z.array(z.string()),
    period: z.object({ from: instant, to: instant }),
    lines: z.array(z.object({ text: z.string(), amount: money })),
    total: money,
    vat: money,
    net: money,
    vatRate: z.number(),
  })
  .meta({ id: 'Receipt' });
export const renewalRunResponse = z
  .object({
    due: z.number().int(),
    charged: z.number().int(),
    failed: z.number().int(),
    ended: z.number().int(),
  })
  .meta({ id: 'RenewalRun' });

// Enforcement.
const checkReason = z.enum([
  'valid_agreement',
  'no_agreement',
  'not_valid_in_zone',
  'not_started',
  'ended',
  'another_vehicle_parked',
]);
export const checkResponse = z
  .object({
    plate: z.string(),
    country: z.string(),
    zone: z.string(),
    at: instant,
    allowed: z.boolean(),
    reason: checkReason,
    agreementId: z.string().nullable(),
    validFrom: instant.nullable(),
    validTo: instant.nullable(),
  })
  .meta({
    id: 'Check',
    examples: [
      {
        plate: 'EK12345',
        country: 'NO',
        zone: 'zone-id',
        at: '2026-05-01T08:00:00.000Z',
        allowed: true,
        reason: 'valid_agreement',
        agreementId: 'agreement-id',
        validFrom: '2026-05-01T07:00:00.000Z',
        validTo: '2026-05-02T07:00:00.000Z',
      },
    ],
  });
export const whitelistResponse = z
  .object({
    zone: z.string(),
    asOf: instant,
    items: z.array(
      z.object({ plate: z.string(), country: z.string(), agreementId: z.string(), validTo: instant }),
    ),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'Whitelist' });
export const violationResponse = z
  .object({
    id: z.string(),
    type: z.enum(['no_valid_agreement', 'multiple_vehicles_parked']),
    plate: z.string(),
    country: z.string(),
    zone: z.string(),
    at: instant,
    agreementId: z.string().nullable(),
    otherPlates: z.array(z.string()),
    status: z.enum(['open', 'sanctioned']),
  })
  .meta({ id: 'Violation' });
export const observationResponse = z
  .object({ id: z.string(), check: checkResponse, violation: violationResponse.nullable() })
  .meta({ id: 'ObservationRecorded' });
export const sanctionResponse = z
  .object({
    id: z.string(),
    number: z.number().int(),
    violationId: z.string(),
    plate: z.string(),
    country: z.string(),
    zone: z.string(),
    amount: money,
    issuedAt: instant,
    dueDate: day,
    status: z.enum(['issued', 'cancelled']),
    note: z.string().nullable(),
    cancelledAt: instant.nullable(),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'Sanction' });

// Identity.
export const otpChallengeResponse = z
  .object({ challengeId: z.string(), expiresAt: instant })
  .meta({ id: 'OtpChallenge' });
const sessionUser = z.object({
  id: z.string(),
  phone: z.string().meta({ examples: ['+4791234567'] }),
  roles: z.array(role),
  profileComplete: z.boolean(),
});
export const tokenResponse = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z
      .number()
      .int()
      .meta({ description: 'seconds', examples: [900] }),
    user: sessionUser,
  })
  .meta({ id: 'Tokens' });
export const refreshedTokenResponse = tokenResponse.omit({ user: true }).meta({ id: 'RefreshedTokens' });
export const deviceTokenResponse = z
  .object({ accessToken: z.string(), expiresIn: z.number().int() })
  .meta({ id: 'DeviceToken' });
export const meResponse = z
  .object({
    id: z.string(),
    phone: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    address: z.string().nullable(),
    hasPassword: z.boolean(),
    operator: z.string(),
    roles: z.array(role),
  })
  .meta({ id: 'Me' });
export const personalDataExportResponse = z
  .object({
    user: z.object({
      id: z.string(),
      phone: z.string(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      address: z.string().nullable(),
    }),
    operators: z.array(z.looseObject({ operator: z.string(), roles: z.array(role) })),
  })
  .meta({ id: 'PersonalDataExport' });
export const publicOperatorResponse = z
  .object({
    slug: z.string(),
    name: z.string(),
    organisationNumber: z.string(),
    address: z.string(),
    supportPhone: z.string().nullable(),
    supportEmail: z.string().nullable(),
  })
  .meta({ id: 'PublicOperator' });
export const operatorResponse = operatorSchema.meta({ id: 'Operator' });
export const operatorAdminsResponse = z
  .object({ phones: z.array(z.string()) })
  .meta({ id: 'OperatorAdmins' });
export const devSmsResponse = z
  .object({ id: z.string(), phone: z.string(), operator: z.string(), text: z.string(), sentAt: instant })
  .meta({ id: 'DevSms' });
export const adminUserResponse = z
  .object({ id: z.string(), phone: z.string(), name: z.string().nullable(), roles: z.array(role) })
  .meta({ id: 'AdminUser' });
export const userRolesResponse = z
  .object({ id: z.string(), phone: z.string(), roles: z.array(role) })
  .meta({ id: 'UserRoles' });
export const createdDeviceResponse = z
  .object({
    id: z.string(),
    clientId: z.string(),
    clientSecret: z.string().meta({ description: 'Shown once' }),
    zoneIds: z.array(z.string()).nullable(),
  })
  .meta({ id: 'CreatedDevice' });
export const deviceSecretResponse = z
  .object({ clientId: z.string(), clientSecret: z.string().meta({ description: 'Shown once' }) })
  .meta({ id: 'DeviceSecret' });
export const deviceResponse = z
  .object({
    id: z.string(),
    clientId: z.string(),
    name: z.string(),
    zoneIds: z.array(z.string()).nullable(),
    createdAt: instant,
    revoked: z.boolean(),
  })
  .meta({ id: 'Device' });
/** `DELETE /v1/me` and the PSP webhook answer small fixed bodies. */
export const emptyResponse = z.object({}).meta({ id: 'Empty' });
export const webhookReceivedResponse = z.object({ received: z.literal(true) });

// Both directions: the interface fits the schema and the schema's output fits the interface.
type Agrees<Schema extends z.ZodType, T> = [T] extends [z.output<Schema>]
  ? [z.output<Schema>] extends [T]
    ? true
    : false
  : false;
const agrees = <Schema extends z.ZodType, T>(ok: Agrees<Schema, T>) => ok;
agrees<typeof locationZoneResponse, Zone>(true);
agrees<typeof zoneResponse, ProductZone>(true);
agrees<typeof cityResponse, City>(true);
agrees<typeof staffListDifferenceResponse, StaffListDifference>(true);
agrees<typeof publicOperatorResponse, PublicOperator>(true);
agrees<typeof locationResponse, Location>(true);
agrees<typeof productResponse, Product>(true);
agrees<typeof termsResponse, Terms>(true);
agrees<typeof agreementResponse, Agreement>(true);
agrees<typeof historyEntryResponse, HistoryEntry>(true);
agrees<typeof adminHistoryEntryResponse, AdminHistoryEntry>(true);
agrees<typeof paymentMethodResponse, PaymentMethod>(true);
agrees<typeof receiptResponse, Receipt>(true);
agrees<typeof renewalRunResponse, RenewalRun>(true);
agrees<typeof checkResponse, Check>(true);
agrees<typeof whitelistResponse, WhitelistPage>(true);
agrees<typeof violationResponse, Violation>(true);
agrees<typeof observationResponse, ObservationRecorded>(true);
agrees<typeof sanctionResponse, Sanction>(true);
agrees<typeof otpChallengeResponse, OtpChallenge>(true);
agrees<typeof tokenResponse, TokenResponse>(true);
agrees<typeof deviceTokenResponse, DeviceTokenResponse>(true);
agrees<typeof meResponse, Me>(true);
agrees<typeof personalDataExportResponse, PersonalDataExport>(true);
agrees<typeof devSmsResponse, DevSms>(true);
agrees<typeof adminUserResponse, AdminUser>(true);
agrees<typeof createdDeviceResponse, CreatedDevice>(true);
agrees<typeof deviceResponse, Device>(true);
