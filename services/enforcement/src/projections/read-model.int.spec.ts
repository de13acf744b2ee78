// The read model and this replica's index against real PostgreSQL and nats-server: events applied in
// any order (an older version ignored), changes answered within a second, another operator's agreements
// and zones never counting, a replica started later answering like the live one, and the rebuild from
// the events recreating the very same model.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { HEADERS, type RequestContext } from '@parking/contracts';
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import { testDatabase, testNatsConnection, uniqueName, type TestDatabase } from '@parking/testing';
import { Checks } from '../checks/checks.js';
import { migrations } from '../migrations/index.js';
import { rebuildReadModel, type RebuildProgress } from '../rebuild/rebuild.js';
import { IndexFeed } from './index-feed.js';
import { PlateIndex } from './plate-index.js';
import { loadIndex, readModelFeeds } from './read-model.js';
import { ReadModelWriter } from './read-model-writer.js';

const DEMO = '00000000-0000-4000-8000-000000000001';
const FJORD = '00000000-0000-4000-8000-000000000002';
const now = new Date('2027-01-15T12:00:00Z');
const AGREEMENT = '11111111-1111-4111-8111-111111111111';
const quiet = { info() {}, warn() {}, error() {} };

const snapshot = (over: Record<string, unknown> = {}) => ({
  agreementId: AGREEMENT,
  status: 'active',
  vehicles: [{ plate: 'EK12345', country: 'NO' }],
  zoneIds: ['zone-p1'],
  validFrom: '2027-01-15T00:00:00.000Z',
  validTo: '2027-01-16T00:00:00.000Z',
  ...over,
});
const officer = (operatorId: string): RequestContext => ({
  operatorId,
  caller: { kind: 'user', userId: 'officer', roles: ['customer', 'officer'] },
  correlationId: 't',
});

interface Replica {
  index: PlateIndex;
  feeds: IndexFeed[];
  applied: Set<number>;
}

describe('enforcement read model and index', () => {
  let db: TestDatabase;
  let nc: NatsConnection;
  const stream = uniqueName('ENF').toUpperCase();
  const root = uniqueName('enf').toLowerCase();
  const feeds = readModelFeeds(root);
  const writers: ReadModelWriter[] = [];
  const replicas: Replica[] = [];
  let live: Replica;

  async function publish(context: string, type: string, operatorId: string, version: number, data: unknown) {
    const h = natsHeaders();
    h.set(HEADERS.operatorId, operatorId);
    h.set(HEADERS.eventType, type);
    h.set(HEADERS.streamId, `${context}-x`);
    h.set(HEADERS.streamVersion, String(version));
    const ack = await jetstream(nc).publish(`${root}.${context}.${type}`, JSON.stringify(data), {
      headers: h,
    });
    return ack.seq;
  }
  const publishAgreement = (operatorId: string, version: number, snap: Record<string, unknown>) =>
    publish('agreement', 'AgreementActivated', operatorId, version, {
      agreementId: snap.agreementId,
      userId: 'u',
      snapshot: snap,
    });

  async function startReplica(): Promise<Replica> {
    const index = new PlateIndex();
    const applied = new Set<number>();
    const floors = await Promise.all(writers.map((w) => w.ackFloor()));
    await loadIndex(db.pool, index);
    const replica: Replica = { index, feeds: [], applied };
    for (const [i, feed] of Object.values(feeds).entries()) {
      const f = new IndexFeed({
        nc,
        index,
        name: `f${i}`,
        feed,
        logger: quiet,
        stream,
        onApplied: (s) => applied.add(s),
      });
      await f.start(floors[i]);
      replica.feeds.push(f);
    }
    replicas.push(replica);
    return replica;
  }

  async function until(done: () => boolean | Promise<boolean>, ms = 5_000) {
    const deadline = Date.now() + ms;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const written = async () => {
    const { rows } = await db.pool.query('select max(stream_version) as v from agreement_validity');
    return rows[0].v;
  };

  beforeAll(async () => {
    db = await testDatabase('enf');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    nc = await testNatsConnection('enforcement-read-model');
    await (await jetstreamManager(nc)).streams.add({ name: stream, subjects: [`${root}.>`] });
    for (const [name, feed] of Object.entries(feeds)) {
      const w = new ReadModelWriter({
        nc,
        pool: db.pool,
        durable: `${root}-${name}`,
        feed,
        logger: quiet,
        stream,
      });
      await w.start();
      writers.push(w);
    }
    live = await startReplica();
    await publish('catalogue', 'LocationPublished', DEMO, 1, {
      location: {
        id: 'loc',
        timeZone: 'Europe/Oslo',
        zones: [
          { id: 'zone-p1', name: 'P1' },
          { id: 'zone-p2', name: 'P2' },
        ],
      },
    });
    await publish('catalogue', 'LocationPublished', FJORD, 1, {
      location: { id: 'bergen', timeZone: 'Europe/Oslo', zones: [{ id: 'zone-b1', name: 'B1' }] },
    });
    await publish('identity', 'OperatorChanged', DEMO, 1, {
      operator: { id: DEMO, sanction: { amount: { amount: 60000, currency: 'NOK' }, dueDays: 21 } },
    });
    await until(() => live.index.hasZone(FJORD, 'zone-b1') && !!live.index.sanctionSettings(DEMO));
  });

  afterAll(async () => {
    for (const r of replicas) for (const f of r.feeds) await f.stop();
    for (const w of writers) await w.stop();
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
    await nc.drain();
    await db.drop();
  });

  it('answers from the newest version within a second of its event, whatever the order of arrival', async () => {
    const checks = new Checks(live.index, null);
    const check = (plate: string) => checks.checkOne({ plate, zone: 'zone-p1' }, officer(DEMO), now);
    const started = Date.now();
    const seq = await publishAgreement(DEMO, 2, snapshot());
    await until(() => live.applied.has(seq), 1_000);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(check('EK12345')).toMatchObject({
      allowed: true,
      reason: 'valid_agreement',
      agreementId: AGREEMENT,
    });

    // Vehicles changed at version 3; a late copy of version 2 changes nothing.
    await publishAgreement(DEMO, 3, snapshot({ vehicles: [{ plate: 'AB99999', country: 'NO' }] }));
    const late = await publishAgreement(DEMO, 2, snapshot());
    await until(() => live.applied.has(late), 1_000);
    expect(check('EK12345').reason).toBe('no_agreement');
    expect(check('AB99999').allowed).toBe(true);
    await until(async () => (await written()) === 3);
    const { rows } = await db.pool.query('select stream_version, vehicles from agreement_validity');
    expect(rows).toEqual([{ stream_version: 3, vehicles: [{ plate: 'AB99999', country: 'NO' }] }]);
  });

  it("never counts another operator's agreements or zones", async () => {
    const checks = new Checks(live.index, null);
    const seq = await publishAgreement(
      FJORD,
      1,
      snapshot({
        agreementId: '22222222-2222-4222-8222-222222222222',
        vehicles: [{ plate: 'FJ11111', country: 'NO' }],
        zoneIds: ['zone-b1'],
      }),
    );
    await until(() => live.applied.has(seq));
    expect(() => checks.checkOne({ plate: 'AB99999', zone: 'zone-p1' }, officer(FJORD), now)).toThrow(
      expect.objectContaining({ code: 'RULE_VIOLATED', fields: [expect.objectContaining({ path: 'zone' })] }),
    );
    expect(checks.checkOne({ plate: 'FJ11111', zone: 'zone-b1' }, officer(FJORD), now).allowed).toBe(true);
    expect(checks.checkOne({ plate: 'FJ11111', zone: 'zone-p1' }, officer(DEMO), now).reason).toBe(
      'no_agreement',
    );
  });

  it('lists the plates valid in a zone as a whitelist, page by page', async () => {
    const checks = new Checks(live.index, null);
    const seq = await publishAgreement(
      DEMO,
      1,
      snapshot({
        agreementId: '33333333-3333-4333-8333-333333333333',
        vehicles: [
          { plate: 'CC33333', country: 'NO' },
          { plate: 'CC33333', country: 'S' },
        ],
        zoneIds: ['zone-p1', 'zone-p2'],
      }),
    );
    await until(() => live.applied.has(seq));
    const first = checks.whitelist({ zone: 'zone-p1', limit: 2 }, officer(DEMO), now);
    expect(first.items.map((i) => `${i.country}:${i.plate}`)).toEqual(['NO:AB99999', 'NO:CC33333']);
    const rest = checks.whitelist(
      { zone: 'zone-p1', limit: 2, asOf: first.asOf, cursor: first.nextCursor! },
      officer(DEMO),
      now,
    );
    expect(rest).toMatchObject({ items: [{ plate: 'CC33333', country: 'S' }], nextCursor: null });
    expect(checks.whitelist({ zone: 'zone-p2' }, officer(DEMO), now).items).toHaveLength(2);
  });

  it('keeps a zone-scoped device to its zones, customers out, and names bad fields', () => {
    const checks = new Checks(live.index, null);
    const device: RequestContext = {
      operatorId: DEMO,
      caller: { kind: 'device', deviceId: 'cam', roles: ['device'], zoneIds: ['zone-p2'] },
      correlationId: 't',
    };
    expect(() => checks.checkOne({ plate: 'AB99999', zone: 'zone-p1' }, device, now)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    expect(checks.checkOne({ plate: 'AB99999', zone: 'zone-p2' }, device, now).reason).toBe(
      'not_valid_in_zone',
    );
    const customer = {
      ...officer(DEMO),
      caller: { kind: 'user' as const, userId: 'c', roles: ['customer' as const] },
    };
    expect(() => checks.checkOne({ plate: 'AB99999', zone: 'zone-p1' }, customer, now)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    const fieldsOf = (input: unknown) => {
      try {
        checks.checkMany(input, officer(DEMO), now);
      } catch (err) {
        return (err as { fields: { path: string }[] }).fields.map((f) => f.path);
      }
      return [];
    };
    expect(fieldsOf({ plates: ['AB99999'] })).toEqual(['zone']);
    expect(fieldsOf({ zone: 'zone-p1', plates: ['#'] })).toEqual(['plates.0']);
    expect(fieldsOf({ zone: 'zone-p1', plates: ['AB99999'], at: '2027-01-15T12:00:00' })).toEqual(['at']);
    expect(fieldsOf({ zone: 'zone-p1', plates: Array(1001).fill('AB99999') })).toEqual(['plates']);
  });

  it('starts a later replica from the tables and the stream, answering like the live one', async () => {
    const later = await startReplica();
    await until(() => later.index.size === live.index.size && later.index.hasZone(FJORD, 'zone-b1'));
    const sort = (i: PlateIndex) =>
      i.allAgreements().sort((a, b) => a.agreementId.localeCompare(b.agreementId));
    expect(sort(later.index)).toEqual(sort(live.index));
  });

  it('rebuilds from the events the very same read model the live writers made', async () => {
    const tables = async () => ({
      agreements: (await db.pool.query('select * from agreement_validity order by agreement_id')).rows,
      zones: (await db.pool.query('select * from zones order by zone_id')).rows,
      operators: (await db.pool.query('select * from operators order by operator_id')).rows,
    });
    await until(
      async () => (await db.pool.query('select count(*)::int as n from agreement_validity')).rows[0].n === 3,
    );
    const before = await tables();
    expect(before.zones).toHaveLength(3);
    expect(before.operators).toHaveLength(1);
    const progress: RebuildProgress[] = [];
    const rebuild = () =>
      rebuildReadModel({
        pool: db.pool,
        nc,
        stream,
        root,
        consumerPrefix: root,
        onProgress: (p) => progress.push(p),
      });
    const result = await rebuild();
    // The writers were made at the stream's start: their latest events are complete, no replay from the start.
    expect(result).toMatchObject({ agreements: 3, zones: 3, operators: 1, replayedWhole: [] });
    expect(progress.at(-1)).toMatchObject({ phase: 'done', handled: result.events, total: result.events });
    expect(await tables()).toEqual(before);

    // A deployment older than latest_events: replayed from the stream's start once, which fills it.
    await db.pool.query('delete from latest_events; delete from latest_events_state');
    const whole = await rebuild();
    expect(whole.replayedWhole.sort()).toEqual(['agreements', 'operators', 'zones']);
    expect(whole.fromStream).toBe(whole.events);
    expect(await tables()).toEqual(before);

    // The stream loses its history to a retention limit: the rebuild needs none of it.
    const jsm = await jetstreamManager(nc);
    const last = (await jsm.streams.info(stream)).state.last_seq;
    await jsm.streams.purge(stream, { seq: last + 1 });
    expect((await jsm.streams.info(stream)).state.messages).toBe(0);
    const fromSnapshot = await rebuild();
    expect(fromSnapshot).toMatchObject({
      agreements: 3,
      zones: 3,
      operators: 1,
      fromStream: 0,
      replayedWhole: [],
    });
    expect(await tables()).toEqual(before);

    // A writer behind: what lies after its ack floor comes from the stream's tail, over latest_events.
    await writers[0].stop(); // the agreements writer
    await publishAgreement(DEMO, 4, snapshot({ vehicles: [{ plate: 'TT44444', country: 'NO' }] }));
    const behind = await rebuild();
    expect(behind).toMatchObject({ agreements: 3, fromStream: 1 });
    const { rows } = await db.pool.query(
      'select stream_version, vehicles from agreement_validity where agreement_id = $1',
      [AGREEMENT],
    );
    expect(rows).toEqual([{ stream_version: 4, vehicles: [{ plate: 'TT44444', country: 'NO' }] }]);
    const rebuilt = new PlateIndex();
    await loadIndex(db.pool, rebuilt);
    const sort = (i: PlateIndex) =>
      i.allAgreements().sort((a, b) => a.agreementId.localeCompare(b.agreementId));
    expect(sort(rebuilt)).toEqual(sort(live.index));
  });
});
