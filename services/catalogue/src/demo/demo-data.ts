// Dev-mode demo catalogue (API.md "Dev mode and demo data"), with ids derived from names so that a
// second load finds every stream in place and changes nothing.
import { randomUUID } from 'node:crypto';
import { DEMO_OPERATORS, isAppError, uuidFrom, type Money, type RequestContext } from '@parking/contracts';
import { replaceStaffList, stageStaffList } from '../commands/replacing-staff-lists/replace-staff-list.js';
import type { CommandDeps } from '../deps.js';
import { checkProduct, type CatalogueEvent, type ProductDefinition } from '../domain/catalogue.js';
import { hasStaffList } from '../projections/catalogue.queries.js';
import { record } from '../projections/catalogue-writer.js';

const nok = (kroner: number): Money => ({ amount: kroner * 100, currency: 'NOK' });
const TERMS_TEXT =
  'Avtalen gir rett til å parkere i sonene avtalen gjelder for, men garanterer ikke ledig plass. ' +
  'Kjøretøyene på avtalen må være registrert før parkering. Bare ett kjøretøy kan stå parkert om gangen. ' +
  'Avtalen fornyes automatisk til den sies opp, dersom produktet fornyes. Angrerett gjelder i 14 dager.';

interface DemoProduct extends Omit<
  ProductDefinition,
  'productId' | 'locationId' | 'zoneIds' | 'termsId' | 'description'
> {
  zones: string[];
  description: string;
  staffList?: [number, number];
}
interface DemoLocation {
  name: string;
  address: string;
  geo: { lat: number; lon: number };
  zones: string[];
  products: DemoProduct[];
}
interface DemoOperator {
  operatorId: string;
  slug: string;
  cities: { name: string; locations: DemoLocation[] }[];
}

const month = { unit: 'month' as const, count: 1 };
const DEMO: DemoOperator[] = [
  {
    operatorId: DEMO_OPERATORS.demo.id,
    slug: 'demo',
    cities: [
      {
        name: 'Tønsberg',
        locations: [
          {
            name: 'Tønsberg Sykehus',
            address: 'Halfdan Wilhelmsens allé 17, 3116 Tønsberg',
            geo: { lat: 59.2676, lon: 10.4076 },
            zones: ['P1', 'P2'],
            products: [
              {
                name: 'Døgnparkering',
                description: 'Parker i 24 timer fra kjøpet, i P1 og P2.',
                zones: ['P1', 'P2'],
                price: nok(150),
                vatRate: 25,
                period: { unit: 'day', count: 1 },
                autoRenew: false,
                maxVehicles: 1,
                startPolicy: 'at_purchase',
                requiresEmployeeNumber: false,
                capacity: null,
              },
              {
                name: 'Ansatt måned',
                description:
                  'Månedsavtale for ansatte, fornyes hver måned. Opptil tre kjøretøy, ett parkert om gangen.',
                zones: ['P1', 'P2'],
                price: nok(1250),
                vatRate: 25,
                period: month,
                autoRenew: true,
                maxVehicles: 3,
                startPolicy: 'chosen',
                requiresEmployeeNumber: true,
                capacity: null,
                staffList: [10001, 10999],
              },
              {
                name: 'Ansatt år',
                description: 'Årsavtale for ansatte. Opptil tre kjøretøy, ett parkert om gangen.',
                zones: ['P1', 'P2'],
                price: nok(12000),
                vatRate: 25,
                period: { unit: 'year', count: 1 },
                autoRenew: false,
                maxVehicles: 3,
                startPolicy: 'chosen',
                requiresEmployeeNumber: true,
                capacity: null,
                staffList: [10001, 10999],
              },
            ],
          },
        ],
      },
      {
        name: 'Oslo',
        locations: [
          {
            name: 'Oslo Sentrum P-hus',
            address: 'Christian Krohgs gate 1, 0186 Oslo',
            geo: { lat: 59.9127, lon: 10.7561 },
            zones: ['G1'],
            products: [
              {
                name: 'Månedskort sentrum',
                description: 'Månedskort i Oslo Sentrum P-hus, fornyes hver måned.',
                zones: ['G1'],
                price: nok(2500),
                vatRate: 25,
                period: month,
                autoRenew: true,
                maxVehicles: 1,
                startPolicy: 'chosen',
                requiresEmployeeNumber: false,
                capacity: null,
              },
            ],
          },
        ],
      },
    ],
  },
  {
    operatorId: DEMO_OPERATORS.fjord.id,
    slug: 'fjord',
    cities: [
      {
        name: 'Bergen',
        locations: [
          {
            name: 'Bergen Stasjon',
            address: 'Strømgaten 4, 5015 Bergen',
            geo: { lat: 60.3904, lon: 5.3331 },
            zones: ['B1'],
            products: [
              {
                name: 'Månedskort Bergen Stasjon',
                description: 'Månedskort ved Bergen Stasjon, fornyes hver måned.',
                zones: ['B1'],
                price: nok(1900),
                vatRate: 25,
                period: month,
                autoRenew: true,
                maxVehicles: 1,
                startPolicy: 'chosen',
                requiresEmployeeNumber: false,
                capacity: null,
              },
            ],
          },
        ],
      },
    ],
  },
];

async function once(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (isAppError(err) && err.code === 'CONFLICT') return; // loaded before
    throw err;
  }
}

export async function loadDemoData(deps: CommandDeps): Promise<void> {
  const { pool, store } = deps;
  const now = deps.clock.now();
  for (const op of DEMO) {
    const id = (...parts: string[]) => uuidFrom(['demo', op.slug, ...parts].join(':'));
    const meta = { operatorId: op.operatorId, actor: { kind: 'system' as const, id: 'demo-data' } };
    const termsId = id('terms');
    await once(() =>
      record(
        pool,
        store,
        `terms-${termsId}`,
        [
          {
            type: 'TermsPublished',
            data: {
              termsId,
              version: 1,
              title: 'Vilkår for parkeringsavtaler',
              text: TERMS_TEXT,
              publishedAt: now.toISOString(),
            },
          },
        ],
        meta,
        'no_stream',
      ),
    );
    for (const city of op.cities) {
      const cityId = id('city', city.name);
      await once(() =>
        record(
          pool,
          store,
          `city-${cityId}`,
          [{ type: 'CityCreated', data: { cityId, name: city.name } }],
          meta,
          'no_stream',
        ),
      );
      for (const loc of city.locations) {
        const locationId = id('location', loc.name);
        const zoneId = (name: string) => id('zone', loc.name, name);
        const events: CatalogueEvent[] = [
          {
            type: 'LocationCreated',
            data: {
              locationId,
              cityId,
              name: loc.name,
              address: loc.address,
              timeZone: 'Europe/Oslo',
              geo: loc.geo,
            },
          },
          ...loc.zones.map((name): CatalogueEvent => ({
            type: 'ZoneAdded',
            data: { locationId, zoneId: zoneId(name), name },
          })),
        ];
        await once(() => record(pool, store, `location-${locationId}`, events, meta, 'no_stream'));
        for (const p of loc.products) {
          const { zones, staffList, ...rest } = p;
          const definition: ProductDefinition = {
            ...rest,
            productId: id('product', p.name),
            locationId,
            zoneIds: zones.map(zoneId),
            termsId,
          };
          checkProduct(definition, loc.zones.map(zoneId));
          await once(() =>
            record(
              pool,
              store,
              `product-${definition.productId}`,
              [{ type: 'ProductCreated', data: definition }],
              meta,
              'no_stream',
            ),
          );
          if (staffList) await loadStaffList(deps, op.operatorId, definition.productId, staffList);
        }
      }
    }
  }
}

/** The staff list, through the same command an operator uses, unless the product has one already. */
async function loadStaffList(
  deps: CommandDeps,
  operatorId: string,
  productId: string,
  [from, to]: [number, number],
) {
  if (await hasStaffList(deps.pool, productId)) return;
  const employeeNumbers = Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  const ctx: RequestContext = {
    operatorId,
    caller: { kind: 'system', service: 'demo-data' },
    correlationId: 'demo-data',
  };
  const uploadId = randomUUID();
  await stageStaffList(deps, { productId, uploadId, part: 0, employeeNumbers }, ctx);
  await replaceStaffList(deps, { productId, uploadId, parts: 1 }, ctx);
}
