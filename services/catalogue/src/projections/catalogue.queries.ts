// The catalogue's reads, always within the request's operator.
import { AppError } from '@parking/contracts';
import type { City, Location, Product, Terms, Zone } from '@parking/contracts/catalogue';
import type pg from 'pg';
import type { ProductDefinition } from '../domain/catalogue.js';

type Queryable = pg.Pool | pg.PoolClient;

export const isUuid = (s: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Agreement statuses that hold a place on a product (counted against its capacity). */
export const PLACE_HOLDING_STATUSES = ['pending_payment', 'active', 'past_due', 'cancelled_at_period_end'];

export async function listCities(pool: Queryable, operatorId: string): Promise<{ items: City[] }> {
  const { rows } = await pool.query('select id, name from cities where operator_id = $1 order by name', [
    operatorId,
  ]);
  return { items: rows };
}

async function zonesOf(pool: Queryable, locationIds: string[]): Promise<Map<string, Zone[]>> {
  const { rows } = await pool.query(
    'select id, name, location_id, max_stay_hours from zones where location_id = any($1) order by name',
    [locationIds],
  );
  const map = new Map<string, Zone[]>();
  for (const r of rows)
    map.set(r.location_id, [
      ...(map.get(r.location_id) ?? []),
      { id: r.id, name: r.name, maxStayHours: r.max_stay_hours },
    ]);
  return map;
}

async function locationsWhere(pool: Queryable, where: string, params: unknown[]): Promise<Location[]> {
  const { rows } = await pool.query(`select * from locations where ${where} order by name`, params);
  const zones = await zonesOf(
    pool,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    cityId: r.city_id,
    name: r.name,
    address: r.address,
    timeZone: r.time_zone,
    geo: { lat: r.lat, lon: r.lon },
    zones: zones.get(r.id) ?? [],
  }));
}

export async function listLocations(
  pool: Queryable,
  operatorId: string,
  cityId: string,
): Promise<{ items: Location[] }> {
  if (!isUuid(cityId)) throw new AppError('NOT_FOUND', 'city not found');
  const city = await pool.query('select 1 from cities where id = $1 and operator_id = $2', [
    cityId,
    operatorId,
  ]);
  if (!city.rowCount) throw new AppError('NOT_FOUND', 'city not found');
  return { items: await locationsWhere(pool, 'operator_id = $1 and city_id = $2', [operatorId, cityId]) };
}

export async function getLocation(
  pool: Queryable,
  operatorId: string,
  locationId: string,
): Promise<Location | null> {
  if (!isUuid(locationId)) return null;
  const [location] = await locationsWhere(pool, 'id = $1 and operator_id = $2', [locationId, operatorId]);
  return location ?? null;
}

interface ProductRow {
  definition: ProductDefinition;
  on_sale: boolean;
  places: number;
}

function toProduct(row: ProductRow, location: Location): Product {
  const d = row.definition;
  return {
    id: d.productId,
    name: d.name,
    description: d.description,
    locationId: d.locationId,
    timeZone: location.timeZone,
    // A product's zones are named only (API.md); the maximum stay is the location's business.
    zones: location.zones.filter((z) => d.zoneIds.includes(z.id)).map(({ id, name }) => ({ id, name })),
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
    soldOut: d.capacity !== null && row.places >= d.capacity,
  };
}

/** Products with the number of agreements holding a place on each. */
const PRODUCTS = `
  select p.definition, p.on_sale, p.location_id,
    (select count(*)::int from agreement_places a where a.product_id = p.id and a.status = any($1)) as places
  from products p`;

async function productsWhere(pool: Queryable, where: string, params: unknown[]): Promise<Product[]> {
  const { rows } = await pool.query(`${PRODUCTS} where ${where} order by p.definition->>'name', p.id`, [
    PLACE_HOLDING_STATUSES,
    ...params,
  ]);
  if (rows.length === 0) return [];
  const locationIds = [...new Set(rows.map((r) => r.location_id as string))];
  const locations = new Map(
    (await locationsWhere(pool, 'id = any($1)', [locationIds])).map((l) => [l.id, l]),
  );
  return rows.map((r) => toProduct(r, locations.get(r.location_id)!));
}

/** A location's products on sale (the public list). */
export async function listProducts(
  pool: Queryable,
  operatorId: string,
  locationId: string,
): Promise<{ items: Product[] }> {
  if (!(await getLocation(pool, operatorId, locationId)))
    throw new AppError('NOT_FOUND', 'location not found');
  return {
    items: await productsWhere(pool, 'p.operator_id = $2 and p.location_id = $3 and p.on_sale', [
      operatorId,
      locationId,
    ]),
  };
}

/** Every product of the operator (or of one of its locations), withdrawn ones included. */
export async function listAllProducts(
  pool: Queryable,
  operatorId: string,
  locationId?: string,
): Promise<{ items: Product[] }> {
  if (locationId === undefined)
    return { items: await productsWhere(pool, 'p.operator_id = $2', [operatorId]) };
  if (!(await getLocation(pool, operatorId, locationId))) {
    throw new AppError('RULE_VIOLATED', 'No such location', {
      fields: [{ path: 'locationId', message: 'no such location at this operator' }],
    });
  }
  return {
    items: await productsWhere(pool, 'p.operator_id = $2 and p.location_id = $3', [operatorId, locationId]),
  };
}

export async function findProduct(pool: Queryable, operatorId: string, productId: string) {
  if (!isUuid(productId)) return null;
  const [product] = await productsWhere(pool, 'p.id = $2 and p.operator_id = $3', [productId, operatorId]);
  return product ?? null;
}

export async function getProduct(pool: Queryable, operatorId: string, productId: string): Promise<Product> {
  const product = await findProduct(pool, operatorId, productId);
  if (!product) throw new AppError('NOT_FOUND', 'product not found');
  return product;
}

export async function getTerms(pool: Queryable, operatorId: string, termsId: string): Promise<Terms> {
  const terms = await findTerms(pool, operatorId, termsId);
  if (!terms) throw new AppError('NOT_FOUND', 'terms not found');
  const { documentId: _documentId, ...rest } = terms;
  return rest;
}

export async function findTerms(
  pool: Queryable,
  operatorId: string,
  termsId: string,
): Promise<(Terms & { documentId: string }) | null> {
  if (!isUuid(termsId)) return null;
  const { rows } = await pool.query(
    'select id, version, title, text, published_at, document_id from terms where id = $1 and operator_id = $2',
    [termsId, operatorId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    text: r.text,
    publishedAt: r.published_at.toISOString(),
    documentId: r.document_id,
  };
}

export async function cityExists(pool: Queryable, operatorId: string, cityId: string): Promise<boolean> {
  if (!isUuid(cityId)) return false;
  const { rowCount } = await pool.query('select 1 from cities where id = $1 and operator_id = $2', [
    cityId,
    operatorId,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function cityNameTaken(pool: Queryable, operatorId: string, name: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    'select 1 from cities where operator_id = $1 and lower(name) = lower($2)',
    [operatorId, name],
  );
  return (rowCount ?? 0) > 0;
}

/** Whether an employee number may buy the product: on its staff list, or any number when it has none. */
export async function staffContains(
  pool: Queryable,
  operatorId: string,
  productId: string,
  employeeNumber: string,
): Promise<{ contained: boolean; hasList: boolean }> {
  if (!isUuid(productId)) throw new AppError('NOT_FOUND', 'product not found');
  // Two primary-key lookups, whatever the list's length.
  const { rows } = await pool.query(
    `select exists (select 1 from staff_lists l where l.product_id = p.id) as has_list,
            exists (select 1 from staff_list_entries e where e.product_id = p.id and e.employee_number = $3) as contained
     from products p where p.id = $1 and p.operator_id = $2`,
    [productId, operatorId, employeeNumber],
  );
  if (!rows[0]) throw new AppError('NOT_FOUND', 'product not found');
  if (!rows[0].has_list) return { contained: true, hasList: false };
  return { contained: rows[0].contained, hasList: true };
}

export async function hasStaffList(pool: Queryable, productId: string): Promise<boolean> {
  const { rowCount } = await pool.query('select 1 from staff_lists where product_id = $1', [productId]);
  return (rowCount ?? 0) > 0;
}
