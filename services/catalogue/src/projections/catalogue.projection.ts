// Applies catalogue events to the read models, in the same transaction as their append.
import { MAX_STAY_HOURS_DEFAULT } from '@parking/contracts/catalogue';
import type pg from 'pg';
import type { CatalogueEvent } from '../domain/catalogue.js';

/** Merges `patch` into a product's definition. */
async function patchDefinition(client: pg.PoolClient, productId: string, patch: Record<string, unknown>) {
  await client.query('update products set definition = definition || $2::jsonb where id = $1', [
    productId,
    JSON.stringify(patch),
  ]);
}

export async function project(
  client: pg.PoolClient,
  operatorId: string,
  event: CatalogueEvent,
): Promise<void> {
  switch (event.type) {
    case 'CityCreated':
      await client.query('insert into cities (operator_id, id, name) values ($1, $2, $3)', [
        operatorId,
        event.data.cityId,
        event.data.name,
      ]);
      return;
    case 'LocationCreated': {
      const d = event.data;
      await client.query(
        'insert into locations (operator_id, id, city_id, name, address, time_zone, lat, lon) values ($1, $2, $3, $4, $5, $6, $7, $8)',
        [operatorId, d.locationId, d.cityId, d.name, d.address, d.timeZone, d.geo.lat, d.geo.lon],
      );
      return;
    }
    case 'ZoneAdded':
      await client.query(
        'insert into zones (operator_id, id, location_id, name, max_stay_hours) values ($1, $2, $3, $4, $5)',
        [
          operatorId,
          event.data.zoneId,
          event.data.locationId,
          event.data.name,
          event.data.maxStayHours ?? MAX_STAY_HOURS_DEFAULT,
        ],
      );
      return;
    case 'TermsPublished': {
      const d = event.data;
      await client.query(
        'insert into terms (operator_id, id, version, title, text, published_at, document_id) values ($1, $2, $3, $4, $5, $6, $7)',
        [operatorId, d.termsId, d.version, d.title, d.text, d.publishedAt, d.documentId ?? d.termsId],
      );
      return;
    }
    case 'ProductCreated':
      await client.query(
        'insert into products (operator_id, id, location_id, on_sale, definition) values ($1, $2, $3, true, $4)',
        [operatorId, event.data.productId, event.data.locationId, event.data],
      );
      return;
    case 'ProductPriceChanged':
      return patchDefinition(client, event.data.productId, { price: event.data.price });
    case 'ProductDescriptionChanged':
      return patchDefinition(client, event.data.productId, { description: event.data.description });
    case 'ProductTermsChanged':
      return patchDefinition(client, event.data.productId, { termsId: event.data.termsId });
    case 'ProductZonesChanged':
      return patchDefinition(client, event.data.productId, { zoneIds: event.data.zoneIds });
    case 'ProductCapacityChanged':
      return patchDefinition(client, event.data.productId, { capacity: event.data.capacity });
    case 'ProductWithdrawn':
    case 'ProductPutOnSale':
      await client.query('update products set on_sale = $2 where id = $1', [
        event.data.productId,
        event.type === 'ProductPutOnSale',
      ]);
      return;
    case 'StaffListReplaced':
      // The numbers themselves are written beside this event by the staff-list command.
      await client.query(
        `insert into staff_lists (operator_id, product_id, replaced_at, entry_count, sha256) values ($1, $2, $3, $4, $5)
         on conflict (product_id) do update set replaced_at = excluded.replaced_at,
           entry_count = excluded.entry_count, sha256 = excluded.sha256`,
        [operatorId, event.data.productId, event.data.replacedAt, event.data.count, event.data.sha256],
      );
      return;
  }
}
