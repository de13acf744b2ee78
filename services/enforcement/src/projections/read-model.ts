// The enforcement read model in PostgreSQL: agreements' validity, zones and operators' sanction settings,
// each row carrying the version of the event that wrote it, so a batch may hold duplicates, arrive late
// or out of order and still leave the newest state. The index is built from these tables at start.
import type { ConsumedEvent } from '@parking/messaging';
import type { AgreementChanged } from '@parking/contracts/agreement';
import {
  CATALOGUE_EVENTS,
  MAX_STAY_HOURS_DEFAULT,
  type LocationPublished,
} from '@parking/contracts/catalogue';
import { IDENTITY_EVENTS, type OperatorChanged } from '@parking/contracts/identity';
import type pg from 'pg';
import type { IndexedAgreement, IndexedZone, PlateIndex, SanctionSettings } from './plate-index.js';

export interface OperatorSettings {
  operatorId: string;
  sanction: SanctionSettings;
  version: number;
}

/** The agreement an agreement event describes (every one carries the whole validity snapshot). */
export function agreementOf(event: ConsumedEvent): IndexedAgreement | null {
  const snapshot = (event.data as Partial<AgreementChanged> | null)?.snapshot;
  if (!snapshot) return null;
  return {
    operatorId: event.operatorId,
    agreementId: snapshot.agreementId,
    status: snapshot.status,
    vehicles: snapshot.vehicles,
    zoneIds: snapshot.zoneIds,
    validFrom: Date.parse(snapshot.validFrom),
    validTo: Date.parse(snapshot.validTo),
    version: event.streamVersion,
  };
}

export function zonesOf(event: ConsumedEvent): (IndexedZone & { version: number })[] {
  const location = (event.data as Partial<LocationPublished> | null)?.location;
  if (!location) return [];
  return location.zones.map((z) => ({
    operatorId: event.operatorId,
    zoneId: z.id,
    locationId: location.id,
    name: z.name,
    timeZone: location.timeZone ?? 'Europe/Oslo',
    // Locations published before zones had a maximum stay carry none: the catalogue's default.
    maxStayHours: z.maxStayHours ?? MAX_STAY_HOURS_DEFAULT,
    version: event.streamVersion,
  }));
}

export function operatorOf(event: ConsumedEvent): OperatorSettings | null {
  const operator = (event.data as Partial<OperatorChanged> | null)?.operator;
  if (!operator?.sanction) return null;
  return { operatorId: operator.id, sanction: operator.sanction, version: event.streamVersion };
}

/** A PostgreSQL array literal (`{"a","b"}`): cheaper to cast per row than a JSON array. */
const textArray = (items: string[]) =>
  `{${items.map((i) => `"${i.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/** Keeps the newest of each key: one statement cannot update the same row twice. */
function newest<T extends { version: number }>(items: T[], key: (t: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const held = byKey.get(key(item));
    if (!held || held.version < item.version) byKey.set(key(item), item);
  }
  return [...byKey.values()];
}

export async function upsertAgreements(db: pg.ClientBase, items: IndexedAgreement[]): Promise<void> {
  const rows = newest(items, (a) => a.agreementId);
  if (!rows.length) return;
  await db.query(
    `insert into agreement_validity (operator_id, agreement_id, status, vehicles, zone_ids, valid_from, valid_to, stream_version)
     select o, a, s, v::jsonb, z::text[], f, t, n
       from unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::int[])
         as u(o, a, s, v, z, f, t, n)
     on conflict (agreement_id) do update set status = excluded.status, vehicles = excluded.vehicles,
       zone_ids = excluded.zone_ids, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
       stream_version = excluded.stream_version
     where agreement_validity.stream_version < excluded.stream_version`,
    [
      rows.map((r) => r.operatorId),
      rows.map((r) => r.agreementId),
      rows.map((r) => r.status),
      rows.map((r) => JSON.stringify(r.vehicles)),
      rows.map((r) => textArray(r.zoneIds)),
      rows.map((r) => new Date(r.validFrom)),
      rows.map((r) => new Date(r.validTo)),
      rows.map((r) => r.version),
    ],
  );
}

export async function upsertZones(db: pg.ClientBase, items: (IndexedZone & { version: number })[]) {
  for (const z of newest(items, (z) => z.zoneId)) {
    await db.query(
      `insert into zones (operator_id, zone_id, location_id, name, time_zone, max_stay_hours, stream_version)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (zone_id) do update set name = excluded.name, time_zone = excluded.time_zone,
         max_stay_hours = excluded.max_stay_hours, stream_version = excluded.stream_version
       where zones.stream_version <= excluded.stream_version`,
      [z.operatorId, z.zoneId, z.locationId, z.name, z.timeZone, z.maxStayHours, z.version],
    );
  }
}

export async function upsertOperators(db: pg.ClientBase, items: OperatorSettings[]) {
  for (const o of newest(items, (o) => o.operatorId)) {
    await db.query(
      `insert into operators (operator_id, sanction, stream_version) values ($1, $2, $3)
       on conflict (operator_id) do update set sanction = excluded.sanction, stream_version = excluded.stream_version
       where operators.stream_version <= excluded.stream_version`,
      [o.operatorId, JSON.stringify(o.sanction), o.version],
    );
  }
}

/** Builds the index from the read model (at start, before the feeds run). */
export async function loadIndex(db: pg.Pool | pg.ClientBase, index: PlateIndex): Promise<void> {
  const zones = await db.query('select * from zones');
  for (const z of zones.rows)
    index.addZone({
      operatorId: z.operator_id,
      zoneId: z.zone_id,
      locationId: z.location_id,
      name: z.name,
      timeZone: z.time_zone,
      maxStayHours: z.max_stay_hours,
    });
  const operators = await db.query('select operator_id, sanction from operators');
  for (const o of operators.rows) index.setSanctionSettings(o.operator_id, o.sanction);
  const { rows } = await db.query(
    `select operator_id, agreement_id, status, vehicles, zone_ids, stream_version,
            extract(epoch from valid_from) * 1000 as valid_from, extract(epoch from valid_to) * 1000 as valid_to
       from agreement_validity`,
  );
  for (const r of rows) {
    index.upsert({
      operatorId: r.operator_id,
      agreementId: r.agreement_id,
      status: r.status,
      vehicles: r.vehicles,
      zoneIds: r.zone_ids,
      validFrom: Math.round(Number(r.valid_from)),
      validTo: Math.round(Number(r.valid_to)),
      version: r.stream_version,
    });
  }
}

/** A subject of another context's events, under another root than `parking` in tests. */
const under = (root: string, subject: string) => subject.replace(/^parking\./, `${root}.`);

const newer = (a: ConsumedEvent, b: ConsumedEvent) =>
  a.streamVersion > b.streamVersion ||
  (a.streamVersion === b.streamVersion && a.streamSequence > b.streamSequence);

/** The latest event of each key (see migration enforcement_004): the rebuild's source. */
export async function upsertLatestEvents(
  db: pg.ClientBase,
  feed: string,
  events: ConsumedEvent[],
  keyOf: (e: ConsumedEvent) => string | null,
): Promise<void> {
  const byKey = new Map<string, ConsumedEvent>();
  for (const e of events) {
    const key = keyOf(e);
    if (key === null) continue;
    // The newest version wins, as in the rows: a late copy of an older version arrives with a higher
    // stream sequence and must not replace it.
    const held = byKey.get(key);
    if (!held || newer(e, held)) byKey.set(key, e);
  }
  if (!byKey.size) return;
  const rows = [...byKey];
  await db.query(
    `insert into latest_events (feed, key, operator_id, subject, type, stream_version, stream_seq, data)
     select $1, k, o, s, t, v, q, d::jsonb
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::text[])
         as u(k, o, s, t, v, q, d)
     on conflict (feed, key) do update set operator_id = excluded.operator_id, subject = excluded.subject,
       type = excluded.type, stream_version = excluded.stream_version, stream_seq = excluded.stream_seq,
       data = excluded.data
     where (latest_events.stream_version, latest_events.stream_seq) < (excluded.stream_version, excluded.stream_seq)`,
    [
      feed,
      rows.map(([k]) => k),
      rows.map(([, e]) => e.operatorId),
      rows.map(([, e]) => e.subject),
      rows.map(([, e]) => e.type),
      rows.map(([, e]) => e.streamVersion),
      rows.map(([, e]) => e.streamSequence),
      rows.map(([, e]) => JSON.stringify(e.data)),
    ],
  );
}

function feedOf<N extends string>(feed: {
  name: N;
  subject: string;
  /** The key whose latest event is kept for rebuilds. */
  key: (e: ConsumedEvent) => string | null;
  writeRows: (db: pg.ClientBase, events: ConsumedEvent[]) => Promise<void>;
  apply: (index: PlateIndex, event: ConsumedEvent) => void;
}) {
  return {
    ...feed,
    /** The read model's rows and the latest events, in the caller's transaction. */
    write: async (db: pg.ClientBase, events: ConsumedEvent[]) => {
      await feed.writeRows(db, events);
      await upsertLatestEvents(db, feed.name, events, feed.key);
    },
  };
}

const dataOf = <T>(e: ConsumedEvent) => (e.data ?? {}) as Partial<T>;

/** What each subject of the read model writes, and what it does to an index. */
export function readModelFeeds(root = 'parking') {
  return {
    agreements: feedOf({
      name: 'agreements',
      // Every agreement event carries the whole validity snapshot.
      subject: `${root}.agreement.>`,
      key: (e) => dataOf<AgreementChanged>(e).snapshot?.agreementId ?? null,
      writeRows: (db, events) =>
        upsertAgreements(
          db,
          events.map(agreementOf).filter((a) => a !== null),
        ),
      apply: (index, event) => {
        const a = agreementOf(event);
        if (a) index.upsert(a);
      },
    }),
    zones: feedOf({
      name: 'zones',
      subject: under(root, CATALOGUE_EVENTS.locationPublished),
      key: (e) => dataOf<LocationPublished>(e).location?.id ?? null,
      writeRows: (db, events) => upsertZones(db, events.flatMap(zonesOf)),
      apply: (index, event) => {
        for (const { version: _v, ...zone } of zonesOf(event)) index.addZone(zone);
      },
    }),
    operators: feedOf({
      name: 'operators',
      subject: under(root, IDENTITY_EVENTS.operatorChanged),
      key: (e) => dataOf<OperatorChanged>(e).operator?.id ?? null,
      writeRows: (db, events) =>
        upsertOperators(
          db,
          events.map(operatorOf).filter((o) => o !== null),
        ),
      apply: (index, event) => {
        const o = operatorOf(event);
        if (o) index.setSanctionSettings(o.operatorId, o.sanction);
      },
    }),
  };
}
export type ReadModelFeed = ReturnType<typeof readModelFeeds>[keyof ReturnType<typeof readModelFeeds>];
