// What the catalogue tells other contexts: full snapshots of a location (with its zones) and of a
// product, read from the read models, so a consumer needs no history. Staff lists never travel.
import {
  CATALOGUE_EVENTS,
  type LocationPublished,
  type ProductPublished,
} from '@parking/contracts/catalogue';
import type { RecordedEvent } from '@parking/event-store';
import type pg from 'pg';
import { getLocation, getProduct } from '../projections/catalogue.queries.js';

export function integrationMessages(pool: pg.Pool) {
  return async (event: RecordedEvent): Promise<{ subject: string; data: unknown } | null> => {
    const operatorId = event.metadata.operatorId;
    if (event.type === 'LocationCreated' || event.type === 'ZoneAdded') {
      const location = await getLocation(pool, operatorId, (event.data as { locationId: string }).locationId);
      if (!location) return null;
      const data: LocationPublished = { location };
      return { subject: CATALOGUE_EVENTS.locationPublished, data };
    }
    if (event.type === 'ProductCreated') {
      const product = await getProduct(pool, operatorId, (event.data as { productId: string }).productId);
      const staff = await pool.query('select 1 from staff_lists where product_id = $1', [product.id]);
      const data: ProductPublished = {
        product,
        timeZone: product.timeZone,
        hasStaffList: (staff.rowCount ?? 0) > 0,
        priceChangedAt: null,
        previousPrice: null,
      };
      return { subject: CATALOGUE_EVENTS.productPublished, data };
    }
    return null;
  };
}
