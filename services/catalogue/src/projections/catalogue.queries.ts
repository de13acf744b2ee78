// The catalogue's reads, always within the request's operator.
import { AppError } from '@parking/contracts';
import type { City, Location, Product, Terms, Zone } from '@parking/contracts/catalogue';
import type pg from 'pg';
import type { ProductDefinition } from '../domain/catalogue.js';

const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

export async function listCities(pool: pg.Pool, operatorId: string): Promise<{ items: City[] }> {
  const { rows } = await pool.query('select id, name from cities where operator_id = $1 order by name', [
    operatorId,
  ]);
  return { items: rows };
}

async function zonesOf(pool: pg.Pool, locationIds: string[]): Promise<Map<string, Zone[]>> {
  const { rows } = await pool.query(
    'select id, name, location_id from zones where location_id = any($1) order by name',
    [locationIds],
  );
  const map = new Map<string, Zone[]>();
  for (const r of rows)
    map.set(r.location_id, [...(map.get(r.location_id) ?? []), { id: r.id, name: r.name }]);
  return map;
}

export async function listLocations(
  pool: pg.Pool,
  operatorId: string,
  cityId: string,
): Promise<{ items: Location[] }> {
  if (!isUuid(cityId)) throw new AppError('NOT_FOUND', 'city not found');
  const city = await pool.query('select 1 from cities where id = $1 and operator_id = $2', [
    cityId,
    operatorId,
  ]);
  if (!city.rowCount) throw new AppError('NOT_FOUND', 'city not found');
  const { rows } = await pool.query(
    'select * from locations where operator_id = $1 and city_id = $2 order by name',
    [operatorId, cityId],
  );
  const zones = await zonesOf(
    pool,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      cityId: r.city_id,
      name: r.name,
      address: r.address,
      timeZone: r.time_zone,
      geo: { lat: r.lat, lon: r.lon },
      zones: zones.get(r.id) ?? [],
    })),
  };
}

export async function getLocation(
  pool: pg.Pool,
  operatorId: string,
  locationId: string,
): Promise<Location | null> {
  if (!isUuid(locationId)) return null;
  const { rows } = await pool.query('select * from locations where id = $1 and operator_id = $2', [
    locationId,
    operatorId,
  ]);
  if (!rows[0]) return null;
  const r = rows[0];
  const zones = await zonesOf(pool, [r.id]);
  return {
    id: r.id,
    cityId: r.city_id,
    name: r.name,
    address: r.address,
    timeZone: r.time_zone,
    geo: { lat: r.lat, lon: r.lon },
    zones: zones.get(r.id) ?? [],
  };
}

function toProduct(row: { definition: ProductDefinition; on_sale: boolean }, location: Location): Product {
  const d = row.definition;
  return {
    id: d.productId,
    name: d.name,
    description: d.description,
    locationId: d.locationId,
    timeZone: location.timeZone,
    zones: location.zones.filter((z) => d.zoneIds.includes(z.id)),
    price: d.price,
    vatRate: d.vatRate,
    period: d.period,
    autoRenew: d.autoRenew,
    maxVehicles: d.maxVehicles,
    startPolicy: d.startPolicy,
    requiresEmployeeNumber: d.requiresEmployeeNumber,
    termsId: d.termsId,
    onSale: row.on_sale,
    capacity: d.capacity,
    soldOut: false,
  };
}

export async function listProducts(
  pool: pg.Pool,
  operatorId: string,
  locationId: string,
): Promise<{ items: Product[] }> {
  const location = await getLocation(pool, operatorId, locationId);
  if (!location) throw new AppError('NOT_FOUND', 'location not found');
  const { rows } = await pool.query(
    `select definition, on_sale from products where operator_id = $1 and location_id = $2 and on_sale order by definition->>'name'`,
    [operatorId, locationId],
  );
  return { items: rows.map((r) => toProduct(r, location)) };
}

export async function getProduct(pool: pg.Pool, operatorId: string, productId: string): Promise<Product> {
  if (!isUuid(productId)) throw new AppError('NOT_FOUND', 'product not found');
  const { rows } = await pool.query(
    'select definition, on_sale, location_id from products where id = $1 and operator_id = $2',
    [productId, operatorId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'product not found');
  const location = await getLocation(pool, operatorId, rows[0].location_id);
  if (!location) throw new AppError('NOT_FOUND', 'product not found');
  return toProduct(rows[0], location);
}

export async function getTerms(pool: pg.Pool, operatorId: string, termsId: string): Promise<Terms> {
  if (!isUuid(termsId)) throw new AppError('NOT_FOUND', 'terms not found');
  const { rows } = await pool.query(
    'select id, version, title, text, published_at from terms where id = $1 and operator_id = $2',
    [termsId, operatorId],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'terms not found');
  const r = rows[0];
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    text: r.text,
    publishedAt: r.published_at.toISOString(),
  };
}

/** Whether an employee number may buy the product: on its staff list, or any number when it has none. */
export async function staffContains(
  pool: pg.Pool,
  operatorId: string,
  productId: string,
  employeeNumber: string,
) {
  const product = await getProduct(pool, operatorId, productId);
  const list = await pool.query('select 1 from staff_lists where product_id = $1', [product.id]);
  if (!list.rowCount) return { contained: true, hasList: false };
  const { rowCount } = await pool.query(
    'select 1 from staff_list_entries where product_id = $1 and employee_number = $2',
    [product.id, employeeNumber],
  );
  return { contained: (rowCount ?? 0) > 0, hasList: true };
}
