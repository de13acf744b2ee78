// What the catalogue tells other contexts: full snapshots of a location (with its zones) and of a
// product, read from the read models when published, so a consumer needs no history. A price change
// also carries the change itself (with the instant renewal charges start using it); a staff list
// replacement carries only its count and hash: the numbers stay here, behind `staffContains`.
import {
  CATALOGUE_EVENTS,
  type LocationPublished,
  type ProductPriceChanged,
  type ProductPublished,
  type StaffListReplaced,
  type TermsPublished,
} from '@parking/contracts/catalogue';
import type { PostgresEventStore, RecordedEvent } from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueEvent, EventOf } from '../domain/catalogue.js';
import { findProduct, findTerms, getLocation, hasStaffList } from '../projections/catalogue.queries.js';
import { pricesOf } from '../projections/prices.queries.js';

type Message = { subject: string; data: unknown };

async function productSnapshot(
  pool: pg.Pool,
  store: PostgresEventStore,
  operatorId: string,
  productId: string,
): Promise<ProductPublished | null> {
  const product = await findProduct(pool, operatorId, productId);
  if (!product) return null;
  const prices = await pricesOf(store, productId);
  const changed = prices.length > 1;
  return {
    product,
    timeZone: product.timeZone,
    hasStaffList: await hasStaffList(pool, productId),
    priceChangedAt: changed ? prices[prices.length - 1].changedAt : null,
    previousPrice: changed ? prices[prices.length - 2].price : null,
    prices,
  };
}

async function productMessage(
  pool: pg.Pool,
  store: PostgresEventStore,
  operatorId: string,
  event: CatalogueEvent,
): Promise<Message | null> {
  const snapshot = await productSnapshot(
    pool,
    store,
    operatorId,
    (event.data as { productId: string }).productId,
  );
  if (!snapshot) return null;
  if (event.type === 'ProductPriceChanged') {
    const { productId: _id, ...change } = event.data;
    const data: ProductPriceChanged = { ...snapshot, change };
    return { subject: CATALOGUE_EVENTS.productPriceChanged, data };
  }
  if (event.type === 'StaffListReplaced') {
    const { productId: _id, ...staffList } = event.data;
    const data: StaffListReplaced = { ...snapshot, staffList };
    return { subject: CATALOGUE_EVENTS.staffListReplaced, data };
  }
  return { subject: CATALOGUE_EVENTS.productPublished, data: snapshot };
}

async function termsMessage(
  pool: pg.Pool,
  operatorId: string,
  event: EventOf<'TermsPublished'>,
): Promise<Message | null> {
  const found = await findTerms(pool, operatorId, event.data.termsId);
  if (!found) return null;
  const { documentId, ...terms } = found;
  const data: TermsPublished = { terms, documentId, replaces: event.data.replaces ?? null };
  return { subject: CATALOGUE_EVENTS.termsPublished, data };
}

export function integrationMessages(pool: pg.Pool, store: PostgresEventStore) {
  return async (recorded: RecordedEvent): Promise<Message | null> => {
    const operatorId = recorded.metadata.operatorId;
    const event = { type: recorded.type, data: recorded.data } as CatalogueEvent;
    switch (event.type) {
      case 'LocationCreated':
      case 'ZoneAdded': {
        const location = await getLocation(pool, operatorId, event.data.locationId);
        if (!location) return null;
        const data: LocationPublished = { location };
        return { subject: CATALOGUE_EVENTS.locationPublished, data };
      }
      case 'TermsPublished':
        return termsMessage(pool, operatorId, event);
      case 'CityCreated':
        return null;
      default:
        return productMessage(pool, store, operatorId, event);
    }
  };
}
