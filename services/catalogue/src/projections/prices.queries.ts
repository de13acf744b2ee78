// A product's prices over time, read from its own stream (a handful of events).
import { AppError } from '@parking/contracts';
import type { PriceAt, ScheduledPrice } from '@parking/contracts/catalogue';
import type { PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueEvent } from '../domain/catalogue.js';
import { priceInForceAt, priceSchedule } from '../domain/prices.js';
import { isUuid } from './catalogue.queries.js';

export async function pricesOf(store: PostgresEventStore, productId: string): Promise<ScheduledPrice[]> {
  const events = await store.readStream(`product-${productId}`);
  return priceSchedule(events.map((e) => ({ ...(e as unknown as CatalogueEvent), createdAt: e.createdAt })));
}

export async function priceAt(
  pool: pg.Pool,
  store: PostgresEventStore,
  operatorId: string,
  productId: string,
  at: Date,
): Promise<PriceAt> {
  const own =
    isUuid(productId) &&
    (await pool.query('select 1 from products where id = $1 and operator_id = $2', [productId, operatorId]))
      .rowCount;
  if (!own) throw new AppError('NOT_FOUND', 'product not found');
  const { price, effectiveFrom } = priceInForceAt(await pricesOf(store, productId), at);
  return { price, effectiveFrom };
}
