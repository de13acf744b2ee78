// Applies catalogue events to the read models, in the same transaction as their append.
import type pg from 'pg';
import type { CatalogueEvent } from '../domain/catalogue.js';

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
      await client.query('insert into zones (operator_id, id, location_id, name) values ($1, $2, $3, $4)', [
        operatorId,
        event.data.zoneId,
        event.data.locationId,
        event.data.name,
      ]);
      return;
    case 'TermsPublished': {
      const d = event.data;
      await client.query(
        'insert into terms (operator_id, id, version, title, text, published_at) values ($1, $2, $3, $4, $5, $6)',
        [operatorId, d.termsId, d.version, d.title, d.text, d.publishedAt],
      );
      return;
    }
    case 'ProductCreated':
      await client.query(
        'insert into products (operator_id, id, location_id, on_sale, definition) values ($1, $2, $3, true, $4)',
        [operatorId, event.data.productId, event.data.locationId, event.data],
      );
      return;
  }
}
