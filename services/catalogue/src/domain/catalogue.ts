// The catalogue's events and the product rules of PRODUCT.md, pure.
import { AppError, type FieldError, type Money } from '@parking/contracts';
import type { PeriodUnit } from '@parking/contracts/catalogue';

export interface ProductDefinition {
  productId: string;
  name: string;
  description: string;
  locationId: string;
  zoneIds: string[];
  price: Money;
  vatRate: number;
  period: { unit: PeriodUnit; count: number };
  autoRenew: boolean;
  maxVehicles: number;
  startPolicy: 'chosen' | 'at_purchase';
  requiresEmployeeNumber: boolean;
  termsId: string;
  capacity: number | null;
  /** When it was defined (absent on the demo products recorded before this field existed). */
  createdAt?: string;
}

export type CatalogueEvent =
  | { type: 'CityCreated'; data: { cityId: string; name: string } }
  | {
      type: 'LocationCreated';
      data: {
        locationId: string;
        cityId: string;
        name: string;
        address: string;
        timeZone: string;
        geo: { lat: number; lon: number };
      };
    }
  | { type: 'ZoneAdded'; data: { locationId: string; zoneId: string; name: string; maxStayHours?: number } }
  | {
      type: 'TermsPublished';
      data: {
        termsId: string;
        version: number;
        title: string;
        text: string;
        publishedAt: string;
        /** The document's first version's id; absent = this is version 1 (`termsId`). */
        documentId?: string;
        replaces?: string;
      };
    }
  | { type: 'ProductCreated'; data: ProductDefinition }
  | {
      type: 'ProductPriceChanged';
      data: {
        productId: string;
        price: Money;
        previousPrice: Money;
        changedAt: string;
        effectiveFrom: string;
      };
    }
  | { type: 'ProductDescriptionChanged'; data: { productId: string; description: string } }
  | { type: 'ProductTermsChanged'; data: { productId: string; termsId: string; previousTermsId: string } }
  | { type: 'ProductZonesChanged'; data: { productId: string; zoneIds: string[] } }
  | { type: 'ProductCapacityChanged'; data: { productId: string; capacity: number | null } }
  | { type: 'ProductWithdrawn'; data: { productId: string; at: string } }
  | { type: 'ProductPutOnSale'; data: { productId: string; at: string } }
  | {
      type: 'StaffListReplaced';
      data: { productId: string; count: number; sha256: string; replacedAt: string };
    };

export type EventOf<T extends CatalogueEvent['type']> = Extract<CatalogueEvent, { type: T }>;

const DAYS = { day: 1, week: 7, month: 28, year: 365 } as const;

export const refused = (fields: FieldError[], message = 'A catalogue rule refuses the change') =>
  new AppError('RULE_VIOLATED', message, { fields });

/** A product's rules (PRODUCT.md "Catalogue"); `locationZoneIds` are the zones of its own location. */
export function productRuleBreaches(p: ProductDefinition, locationZoneIds: string[]): FieldError[] {
  const errors: FieldError[] = [];
  if (!Number.isInteger(p.price.amount) || p.price.amount <= 0)
    errors.push({ path: 'price.amount', message: 'whole øre above 0' });
  if (p.maxVehicles < 1 || p.maxVehicles > 3)
    errors.push({ path: 'maxVehicles', message: '1 to 3 vehicles' });
  if (p.maxVehicles > 1 && DAYS[p.period.unit] * p.period.count <= 14) {
    errors.push({ path: 'maxVehicles', message: 'more than 1 vehicle only for periods longer than 14 days' });
  }
  if (p.startPolicy === 'at_purchase' && p.period.unit !== 'day') {
    errors.push({ path: 'startPolicy', message: 'only day products start at purchase' });
  }
  if (p.capacity !== null && (!Number.isInteger(p.capacity) || p.capacity < 1))
    errors.push({ path: 'capacity', message: 'a whole number above 0, or null' });
  if (p.zoneIds.length === 0) errors.push({ path: 'zoneIds', message: 'at least one zone' });
  p.zoneIds.forEach((z, i) => {
    if (!locationZoneIds.includes(z))
      errors.push({ path: `zoneIds.${i}`, message: 'not a zone of the product location' });
  });
  return errors;
}

export function checkProduct(p: ProductDefinition, locationZoneIds: string[]): void {
  const errors = productRuleBreaches(p, locationZoneIds);
  if (errors.length) throw refused(errors, 'The product breaks a catalogue rule');
}
