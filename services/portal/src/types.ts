// The API.md shapes the portal reads.
import type { AgreementStatus } from './logic/agreements.js';
import type { Money } from './logic/money.js';

export interface Operator {
  slug: string;
  name: string;
  organisationNumber: string;
  address: string;
  /** Customer service; absent from an older gateway or not set. */
  supportPhone?: string | null;
  supportEmail?: string | null;
}
export interface Me {
  id: string;
  phone: string;
  name: string | null;
  email: string | null;
  address: string | null;
  hasPassword: boolean;
  operator: string;
  roles: string[];
}
export interface City {
  id: string;
  name: string;
}
export interface Zone {
  id: string;
  name: string;
}
export interface Location {
  id: string;
  name: string;
  address: string;
  timeZone: string;
  zones: Zone[];
}
export interface Product {
  id: string;
  name: string;
  description: string;
  locationId: string;
  zones: Zone[];
  price: Money;
  vatRate: number;
  period: { unit: 'day' | 'week' | 'month' | 'year'; count: number };
  autoRenew: boolean;
  maxVehicles: number;
  startPolicy: 'chosen' | 'at_purchase';
  requiresEmployeeNumber: boolean;
  termsId: string;
  onSale: boolean;
  soldOut: boolean;
}
export interface Terms {
  id: string;
  version: number;
  title: string;
  text: string;
}
export interface PaymentMethod {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  status: 'requires_action' | 'active';
  challenge?: { challengeId: string; kind: 'otp' | 'redirect'; redirectUrl?: string };
}
export interface Vehicle {
  plate: string;
  country: string;
}
export interface Agreement {
  id: string;
  status: AgreementStatus;
  product: { id: string; name: string; locationId: string };
  vehicles: Vehicle[];
  zones: Zone[];
  validFrom: string | null;
  validTo: string | null;
  autoRenew: boolean;
  nextRenewalAt: string | null;
  endsAt: string | null;
  employeeNumber: string | null;
  paymentMethodId: string;
  createdAt: string;
}
export interface HistoryEntry {
  type: string;
  at: string;
  summary: string;
}
export interface Receipt {
  id: string;
  number: number;
  kind: 'charge' | 'refund';
  agreementId: string;
  issuedAt: string;
  seller: { name: string; organisationNumber: string; address: string };
  buyer: { userId: string; name: string | null };
  product: { id: string; name: string };
  plates: string[];
  period: { from: string; to: string };
  lines: { text: string; amount: Money }[];
  total: Money;
  vat: Money;
  net: Money;
  vatRate: number;
}
export interface Check {
  plate: string;
  country: string;
  zone: string;
  at: string;
  allowed: boolean;
  reason: string;
  agreementId: string | null;
  validFrom: string | null;
  validTo: string | null;
}
export interface List<T> {
  items: T[];
  nextCursor?: string | null;
}
export interface AdminHistoryEntry extends HistoryEntry {
  actor?: { kind: string; id?: string | null } | string | null;
}
export interface AdminUser {
  id: string;
  phone: string;
  name: string | null;
  roles: string[];
}
export interface Device {
  id: string;
  clientId: string;
  name: string;
  /** null (or empty): every zone of the operator. */
  zoneIds: string[] | null;
  createdAt: string;
  revoked: boolean;
}
export interface CreatedDevice {
  id?: string;
  clientId: string;
  clientSecret: string;
  zoneIds?: string[];
}
export interface Violation {
  id: string;
  type: 'no_valid_agreement' | 'multiple_vehicles_parked';
  plate: string;
  zone: string;
  at: string;
  agreementId: string | null;
  otherPlates: string[];
  status: 'open' | 'sanctioned';
}
export interface Sanction {
  id: string;
  number: number;
  violationId: string;
  plate: string;
  zone: string;
  amount: Money;
  issuedAt: string;
  dueDate: string;
  status: 'issued' | 'cancelled';
  note: string | null;
}
export interface StaffListDifference {
  count: number;
  added: number;
  removed: number;
  unchanged: number;
  addedSample: string[];
  removedSample: string[];
}
