// Catalogue: cities, locations, zones, agreement products, terms (public reads and integration events).
import { z } from 'zod';
import type { Money } from '../common/money.js';

export const CATALOGUE_SUBJECTS = {
  listCities: 'catalogue.cities.list',
  listLocations: 'catalogue.locations.list',
  listProducts: 'catalogue.products.list',
  getProduct: 'catalogue.product.get',
  getTerms: 'catalogue.terms.get',
  /** Is this employee number on the product's staff list? (lists never travel as one event) */
  staffContains: 'catalogue.staff.contains',
} as const;

const id = z.string().min(1).max(100);
export const listLocationsSchema = z.object({ cityId: id });
export const listProductsSchema = z.object({ locationId: id });
export const getProductSchema = z.object({ productId: id });
export const getTermsSchema = z.object({ termsId: id });
export const staffContainsSchema = z.object({ productId: id, employeeNumber: z.string().min(1).max(40) });

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
  cityId: string;
  name: string;
  address: string;
  timeZone: string;
  geo: { lat: number; lon: number };
  zones: Zone[];
}
export type PeriodUnit = 'day' | 'week' | 'month' | 'year';
export interface Product {
  id: string;
  name: string;
  description: string;
  locationId: string;
  /** The location's IANA time zone: periods and start dates are reckoned in it. */
  timeZone: string;
  zones: Zone[];
  price: Money;
  vatRate: number;
  period: { unit: PeriodUnit; count: number };
  autoRenew: boolean;
  maxVehicles: number;
  startPolicy: 'chosen' | 'at_purchase';
  requiresEmployeeNumber: boolean;
  termsId: string;
  onSale: boolean;
  capacity: number | null;
  soldOut: boolean;
}
export interface Terms {
  id: string;
  version: number;
  title: string;
  text: string;
  publishedAt: string;
}
export interface Items<T> {
  items: T[];
}

/** Integration events on `parking.catalogue.<type>`: full snapshots, so a consumer needs no history. */
export const CATALOGUE_EVENTS = {
  locationPublished: 'parking.catalogue.LocationPublished',
  productPublished: 'parking.catalogue.ProductPublished',
} as const;
/** A location and all its zones, as of now (sent on create and on every change). */
export interface LocationPublished {
  location: Location;
}
/** A product as of now, with its location's time zone and whether it has a staff list (sent on every change). */
export interface ProductPublished {
  product: Product;
  timeZone: string;
  hasStaffList: boolean;
  /** When the current price took effect (renewals made 30 days after it use it). */
  priceChangedAt: string | null;
  previousPrice: Money | null;
}
