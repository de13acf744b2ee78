// A product's prices over time: the price set at creation applies at once; a change applies to renewal
// charges made from its `effectiveFrom` (30 days after it was made), so a renewal charge uses the last
// price effective at the moment it is made. Purchases always pay the current price.
import type { ScheduledPrice } from '@parking/contracts/catalogue';
import type { CatalogueEvent } from './catalogue.js';

export function priceSchedule(events: (CatalogueEvent & { createdAt: Date })[]): ScheduledPrice[] {
  const schedule: ScheduledPrice[] = [];
  for (const e of events) {
    if (e.type === 'ProductCreated') {
      const at = e.data.createdAt ?? e.createdAt.toISOString();
      schedule.push({ price: e.data.price, changedAt: at, effectiveFrom: at });
    } else if (e.type === 'ProductPriceChanged') {
      const { price, changedAt, effectiveFrom } = e.data;
      schedule.push({ price, changedAt, effectiveFrom });
    }
  }
  return schedule;
}

/** The price a renewal charge made at `at` uses; before the product existed, its first price. */
export function priceInForceAt(schedule: ScheduledPrice[], at: Date): ScheduledPrice {
  if (schedule.length === 0) throw new Error('a product without a price');
  let current = schedule[0];
  for (const entry of schedule) if (Date.parse(entry.effectiveFrom) <= at.getTime()) current = entry;
  return current;
}
