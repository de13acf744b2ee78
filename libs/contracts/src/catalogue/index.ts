// Catalogue: cities, locations, zones, agreement products, terms and staff lists (public reads, operator
// writes and integration events).
import { z } from 'zod';
import { moneySchema, type Money } from '../common/money.js';

export const CATALOGUE_SUBJECTS = {
  listCities: 'catalogue.cities.list',
  listLocations: 'catalogue.locations.list',
  listProducts: 'catalogue.products.list',
  getProduct: 'catalogue.product.get',
  getTerms: 'catalogue.terms.get',
  /** Is this employee number on the product's staff list? (lists never travel as one event) */
  staffContains: 'catalogue.staff.contains',
  /** The price a renewal charge made at `at` uses (a change applies 30 days after it is made). */
  priceAt: 'catalogue.product.price-at',
  // Operator writes and reads (the caller must hold `operator` at the request's operator).
  createCity: 'catalogue.city.create',
  createLocation: 'catalogue.location.create',
  addZone: 'catalogue.zone.add',
  publishTerms: 'catalogue.terms.publish',
  listAllProducts: 'catalogue.admin.products.list',
  createProduct: 'catalogue.product.create',
  changeProduct: 'catalogue.product.change',
  /** One part of a staff list on its way in (a list of 100,000 numbers is larger than a NATS message). */
  stageStaffList: 'catalogue.staff.stage',
  /** Replaces a product's staff list with the parts staged under `uploadId`, in one transaction. */
  replaceStaffList: 'catalogue.staff.replace',
} as const;

const id = z.string().min(1).max(100);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

export const listLocationsSchema = z.object({ cityId: id });
export const listProductsSchema = z.object({ locationId: id });
export const getProductSchema = z.object({ productId: id });
export const getTermsSchema = z.object({ termsId: id });
export const employeeNumberSchema = z.string().trim().min(1, 'must not be empty').max(40);
export const staffContainsSchema = z.object({ productId: id, employeeNumber: employeeNumberSchema });
export const priceAtSchema = z.object({ productId: id, at: z.iso.datetime({ offset: true }) });

/** An IANA time zone name (`Europe/Oslo`), given back in its canonical spelling. */
export const timeZoneSchema = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    try {
      if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) throw new Error('not a name');
      return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not an IANA time zone (e.g. Europe/Oslo)' });
      return z.NEVER;
    }
  });
export const geoSchema = z.object({
  lat: z.number().min(-90, 'latitude from -90 to 90').max(90, 'latitude from -90 to 90'),
  lon: z.number().min(-180, 'longitude from -180 to 180').max(180, 'longitude from -180 to 180'),
});
export const PERIOD_UNITS = ['day', 'week', 'month', 'year'] as const;
export const periodSchema = z.object({
  unit: z.enum(PERIOD_UNITS),
  count: z.number().int('a whole number').min(1).max(52),
});
/** A price: whole øre above 0, at most NOK 1,000,000. */
export const priceSchema = moneySchema.extend({
  amount: moneySchema.shape.amount.max(100_000_000, 'at most NOK 1,000,000'),
});
const zoneIdsSchema = z
  .array(id)
  .min(1, 'at least one zone')
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each zone once');
const capacitySchema = z.number().int('a whole number').min(1).max(1_000_000).nullable();

export const createCitySchema = z.object({ name: text(100) });
export const createLocationSchema = z.object({
  cityId: id,
  name: text(200),
  address: text(300),
  timeZone: timeZoneSchema.default('Europe/Oslo'),
  geo: geoSchema,
});
/** How long a vehicle may stay in a zone after a gate entry with no exit: then it no longer counts as present. */
export const MAX_STAY_HOURS_DEFAULT = 24;
export const addZoneBodySchema = z.object({
  name: text(50),
  maxStayHours: z
    .number()
    .int('a whole number of hours')
    .min(1, 'at least 1 hour')
    .max(8_760, 'at most a year (8,760 hours)')
    .default(MAX_STAY_HOURS_DEFAULT),
});
export const addZoneSchema = addZoneBodySchema.extend({ locationId: id });
export const publishTermsSchema = z.object({
  title: text(200),
  text: text(100_000),
  /** The terms id this version replaces: the new one is the next version of that document. */
  replaces: id.optional(),
});
export const listAllProductsSchema = z.object({ locationId: id.optional() });
export const createProductSchema = z.object({
  name: text(200),
  description: z.string().trim().max(5_000).default(''),
  locationId: id,
  zoneIds: zoneIdsSchema,
  price: priceSchema,
  vatRate: z.number().min(0).max(100).default(25),
  period: periodSchema,
  autoRenew: z.boolean(),
  maxVehicles: z.number().int('a whole number').min(1, '1 to 3 vehicles').max(3, '1 to 3 vehicles'),
  startPolicy: z.enum(['chosen', 'at_purchase']),
  requiresEmployeeNumber: z.boolean(),
  termsId: id,
  capacity: capacitySchema.default(null),
});
export type CreateProductBody = z.output<typeof createProductSchema>;

const changeShape = {
  price: priceSchema,
  description: z.string().trim().max(5_000),
  termsId: id,
  onSale: z.boolean(),
  capacity: capacitySchema,
  zoneIds: zoneIdsSchema,
};
export const PRODUCT_CHANGEABLE = Object.keys(changeShape) as (keyof typeof changeShape)[];
/** PATCH body: any of the changeable fields, at least one; any other field is named as not changeable. */
export const changeProductBodySchema = z
  .looseObject(z.object(changeShape).partial().shape)
  .superRefine((body, ctx) => {
    const keys = Object.keys(body);
    for (const key of keys) {
      if (!(PRODUCT_CHANGEABLE as string[]).includes(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'cannot be changed' });
    }
    if (keys.length === 0)
      ctx.addIssue({ code: 'custom', message: `give at least one of ${PRODUCT_CHANGEABLE.join(', ')}` });
  })
  .transform((body) => {
    const out: Partial<z.output<z.ZodObject<typeof changeShape>>> = {};
    for (const key of PRODUCT_CHANGEABLE) if (key in body) Object.assign(out, { [key]: body[key] });
    return out;
  });
export type ProductChanges = z.output<typeof changeProductBodySchema>;
export const changeProductSchema = z.object({
  productId: id,
  changes: z.object(changeShape).partial(),
});

export const STAFF_LIST_MAX = 100_000;
export const replaceStaffListBodySchema = z.object({
  employeeNumbers: z.array(employeeNumberSchema).max(STAFF_LIST_MAX, `at most ${STAFF_LIST_MAX} numbers`),
});
export const stageStaffListSchema = z.object({
  productId: id,
  uploadId: z.uuid(),
  part: z.number().int().min(0).max(1_000),
  employeeNumbers: z.array(employeeNumberSchema).max(STAFF_LIST_MAX),
});
export const replaceStaffListSchema = z.object({
  productId: id,
  uploadId: z.uuid(),
  /** How many parts were staged (0 … parts-1); the list is refused unless all arrived. */
  parts: z.number().int().min(1).max(1_001),
});

/** What a staff-list replacement changed (POST /v1/admin/products/{id}/employees/upload answers it). */
export interface StaffListDifference {
  /** Distinct numbers on the list now. */
  count: number;
  sha256: string;
  added: number;
  removed: number;
  unchanged: number;
  /** Up to STAFF_DIFFERENCE_SAMPLE of the added and removed numbers, sorted. */
  addedSample: string[];
  removedSample: string[];
}
export const STAFF_DIFFERENCE_SAMPLE = 20;

export interface City {
  id: string;
  name: string;
}
export interface Zone {
  id: string;
  name: string;
  /** Hours a vehicle that entered and never exited still counts as present (default 24). */
  maxStayHours: number;
}
/** A zone as a product lists it. */
export type ProductZone = Pick<Zone, 'id' | 'name'>;
export interface Location {
  id: string;
  cityId: string;
  name: string;
  address: string;
  timeZone: string;
  geo: { lat: number; lon: number };
  zones: Zone[];
}
export type PeriodUnit = (typeof PERIOD_UNITS)[number];
export interface Product {
  id: string;
  name: string;
  description: string;
  locationId: string;
  /** The location's IANA time zone: periods and start dates are reckoned in it. */
  timeZone: string;
  zones: ProductZone[];
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
/** A price and the first instant a renewal charge uses it. */
export interface ScheduledPrice {
  price: Money;
  /** When the operator set it. */
  changedAt: string;
  /** Renewal charges made from this instant use it (30 days after `changedAt`; purchases at once). */
  effectiveFrom: string;
}
export interface PriceAt {
  price: Money;
  effectiveFrom: string;
}

/**
 * Integration events on `parking.catalogue.<type>`: full snapshots, so a consumer needs no history.
 * The product events all extend `ProductPublished`: a consumer of `parking.catalogue.>` may treat them
 * alike, and read the extra fields where it cares.
 */
export const CATALOGUE_EVENTS = {
  locationPublished: 'parking.catalogue.LocationPublished',
  productPublished: 'parking.catalogue.ProductPublished',
  productPriceChanged: 'parking.catalogue.ProductPriceChanged',
  staffListReplaced: 'parking.catalogue.StaffListReplaced',
  termsPublished: 'parking.catalogue.TermsPublished',
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
  /** When the current price was set (renewal charges made 30 days after it use it). */
  priceChangedAt: string | null;
  previousPrice: Money | null;
  /** Every price the product has had, oldest first: a renewal charge at T uses the last one effective at T. */
  prices: ScheduledPrice[];
}
/** A price change, announced when made (customers with auto-renewing agreements are told). */
export interface ProductPriceChanged extends ProductPublished {
  change: { price: Money; previousPrice: Money; changedAt: string; effectiveFrom: string };
}
/** A product's staff list was replaced. The numbers stay with the catalogue: ask `staffContains`. */
export interface StaffListReplaced extends ProductPublished {
  staffList: { count: number; sha256: string; replacedAt: string };
}
/** A version of a terms document (`documentId` is the id of its first version). */
export interface TermsPublished {
  terms: Terms;
  documentId: string;
  replaces: string | null;
}
