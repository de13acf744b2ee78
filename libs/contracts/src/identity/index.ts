// Identity: operators (tenants), users, one-time codes, sessions, roles, devices, the SMS port.
import { z } from 'zod';
import { ROLES } from '../common/context.js';
import { moneySchema } from '../common/money.js';
import { phoneSchema } from '../common/phone.js';

export const IDENTITY_SUBJECTS = {
  requestOtp: 'identity.otp.request',
  verifyOtp: 'identity.otp.verify',
  login: 'identity.login',
  refresh: 'identity.refresh',
  logout: 'identity.logout',
  deviceToken: 'identity.device.token',
  /** The public keys that verify access tokens (JWKS). */
  keys: 'identity.keys',
  /** Every operator with its hosts, for the gateway's operator resolution (internal). */
  listOperators: 'identity.operators.list',
  me: 'identity.me',
  devSms: 'identity.dev.sms.list',
  /** Other services ask identity to text a user; they never hold phone numbers. */
  notify: 'identity.notify',
  updateProfile: 'identity.me.profile',
  setPassword: 'identity.me.password',
  exportMe: 'identity.me.export',
  eraseMe: 'identity.me.erase',
  listUsers: 'identity.admin.users.list',
  setRoles: 'identity.admin.users.roles',
  createDevice: 'identity.admin.devices.create',
  listDevices: 'identity.admin.devices.list',
  rotateDeviceSecret: 'identity.admin.devices.rotate',
  revokeDevice: 'identity.admin.devices.revoke',
  /** Devices revoked while their tokens may still live (the gateway's deny list at start). */
  revokedDevices: 'identity.devices.revoked',
  createOperator: 'identity.platform.operators.create',
  platformOperators: 'identity.platform.operators.list',
  updateOperator: 'identity.platform.operators.update',
  setOperatorAdmins: 'identity.platform.operators.admins',
  /** The operator's own admins set its customer-service contacts (phone, e-mail). */
  setOperatorSupport: 'identity.admin.operator.support',
} as const;

/** What every service that holds personal data answers on `<service>.privacy.export` (per operator). */
export const PRIVACY_EXPORT_SUBJECTS = {
  agreement: 'agreement.privacy.export',
  payment: 'payment.privacy.export',
} as const;

export const profileSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  address: z.string().trim().max(300).nullish(),
});
export type Profile = z.infer<typeof profileSchema>;

export const passwordSchema = z.object({ password: z.string().min(10).max(200) });

export const listUsersSchema = z.object({ phone: phoneSchema.optional() });
const ID = z.string().min(1).max(100);
export const setRolesSchema = z.object({
  userId: ID,
  roles: z
    .array(z.enum(['customer', 'operator', 'officer']))
    .max(3)
    .describe('the full set at this operator; `customer` is always kept'),
});
export const createDeviceSchema = z.object({
  name: z.string().trim().min(1).max(100),
  zoneIds: z.array(ID).max(100).optional(),
});
export const deviceIdSchema = z.object({ deviceId: ID });

export interface AdminUser {
  id: string;
  phone: string;
  name: string | null;
  roles: (typeof ROLES)[number][];
}
export interface CreatedDevice {
  id: string;
  clientId: string;
  clientSecret: string;
  zoneIds: string[] | null;
}
export interface Device {
  id: string;
  clientId: string;
  name: string;
  zoneIds: string[] | null;
  createdAt: string;
  revoked: boolean;
}

export interface PersonalDataExport {
  user: { id: string; phone: string; name: string | null; email: string | null; address: string | null };
  operators: {
    operator: string;
    roles: (typeof ROLES)[number][];
    [section: string]: unknown;
  }[];
}

export const requestOtpSchema = z.object({ phone: phoneSchema });
export type RequestOtp = z.infer<typeof requestOtpSchema>;
export interface OtpChallenge {
  challengeId: string;
  expiresAt: string;
}

export const verifyOtpSchema = z.object({
  challengeId: z.string().min(1).max(100),
  code: z.string().regex(/^\d{6}$/, 'six digits'),
});
export type VerifyOtp = z.infer<typeof verifyOtpSchema>;

export const loginSchema = z.object({ phone: phoneSchema, password: z.string().min(1).max(200) });
export type Login = z.infer<typeof loginSchema>;

export const refreshSchema = z.object({ refreshToken: z.string().min(1).max(500) });
export const deviceTokenSchema = z.object({
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
});

export interface SessionUser {
  id: string;
  phone: string;
  roles: (typeof ROLES)[number][];
  profileComplete: boolean;
}

export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: SessionUser;
}

export interface DeviceTokenResponse {
  accessToken: string;
  expiresIn: number;
}

/** Claims of an access token (JWT, ES256, signed by identity, verified by the gateway with identity.keys). */
export interface AccessTokenClaims {
  sub: string;
  /** The operator id the token was issued for. */
  op: string;
  kind: 'user' | 'device';
  roles: (typeof ROLES)[number][];
  /** Zones a device is limited to. */
  zones?: string[];
  /** Session family id (users). */
  sid?: string;
}
export const ACCESS_TOKEN_ISSUER = 'parking-identity';
export const ACCESS_TOKEN_AUDIENCE = 'parking-gateway';

export interface PublicKeySet {
  keys: Record<string, unknown>[];
}

/** A customer-service number as printed: digits, spaces, +, -, parentheses (e.g. "+47 33 00 00 00"). */
const supportPhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{2,28}$/, 'a phone number: digits, spaces, +, - and parentheses');

export const operatorSchema = z.object({
  id: z.string(),
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/),
  name: z.string().min(1).max(200),
  organisationNumber: z.string().min(1).max(40),
  address: z.string().min(1).max(300),
  hosts: z.array(z.string().min(1).max(253)).max(20),
  smsSender: z.string().min(1).max(11),
  psp: z.object({ provider: z.string().min(1).max(40), account: z.string().min(1).max(200) }),
  sanction: z.object({ amount: moneySchema, dueDays: z.number().int().min(1).max(365) }),
  /** Customer service, shown in the portal's footer and in texts; null or absent: not set. */
  supportPhone: supportPhoneSchema.nullable().optional(),
  supportEmail: z.email().max(200).nullable().optional(),
});
export type Operator = z.infer<typeof operatorSchema>;
/** PATCH /v1/admin/operator: what an operator's own admins may change (their support contacts). */
export const operatorSupportSchema = operatorSchema
  .pick({ supportPhone: true, supportEmail: true })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'give supportPhone and/or supportEmail');
/** GET /v1/operator: the public view of the request's operator. */
export interface PublicOperator {
  slug: string;
  name: string;
  organisationNumber: string;
  address: string;
  supportPhone: string | null;
  supportEmail: string | null;
}
export const publicOperatorOf = (o: Operator): PublicOperator => ({
  slug: o.slug,
  name: o.name,
  organisationNumber: o.organisationNumber,
  address: o.address,
  supportPhone: o.supportPhone ?? null,
  supportEmail: o.supportEmail ?? null,
});
export const newOperatorSchema = operatorSchema.omit({ id: true });
export const operatorPatchSchema = operatorSchema.omit({ id: true, slug: true }).partial();
export const operatorAdminsSchema = z.object({ phones: z.array(phoneSchema).max(50) });

export interface OperatorList {
  items: Operator[];
  /** The default operator's id (DEFAULT_OPERATOR, created at start-up if missing). */
  defaultOperatorId: string;
}

export interface Me {
  id: string;
  phone: string;
  name: string | null;
  email: string | null;
  address: string | null;
  hasPassword: boolean;
  operator: string;
  roles: (typeof ROLES)[number][];
}

export interface DevSms {
  id: string;
  phone: string;
  operator: string;
  text: string;
  sentAt: string;
}

export const notifySchema = z.object({
  userId: z.string(),
  template: z.string(),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type Notify = z.infer<typeof notifySchema>;

/** Integration events published on `parking.identity.<type>`. */
export const IDENTITY_EVENTS = {
  operatorChanged: 'parking.identity.OperatorChanged',
  deviceRevoked: 'parking.identity.DeviceRevoked',
  userErased: 'parking.identity.UserErased',
} as const;
export interface OperatorChanged {
  operator: Operator;
}
export interface DeviceRevoked {
  deviceId: string;
  revokedAt: string;
}
/** A person asked to be erased: every service ends, erases or pseudonymises what it holds of them. */
export interface UserErased {
  userId: string;
  erasedAt: string;
  /** The operators where the person was a customer. */
  operatorIds: string[];
}
