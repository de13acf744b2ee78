// Observations, violations and control sanctions against a real database: both violation kinds, repeated
// sightings that do not multiply them, the five-minute rule, gate presence from entry to exit, sanctions
// numbered per operator with the operator's amount and due date (a second → 409, cancel with a reason),
// the roles, the check log written in batches, and plates anonymised 24 hours after they stop mattering.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RequestContext, Role } from '@parking/contracts';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { messagingMigrations } from '@parking/messaging';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { CheckLog } from '../checks/check-log.js';
import { Checks } from '../checks/checks.js';
import type { EnforcementDeps } from '../deps.js';
import { migrations } from '../migrations/index.js';
import { anonymisePlates } from '../privacy/anonymise.js';
import { PlateIndex, type IndexedAgreement } from '../projections/plate-index.js';
import { upsertAgreements } from '../projections/read-model.js';
import type pg from 'pg';
import { cancelSanction, issueSanction, listSanctions } from '../sanctions/sanctions.js';
import { listViolations } from '../violations/violations.js';
import { loadPresence, observe } from './observe.js';

const DEMO = '00000000-0000-4000-8000-000000000001';
const FJORD = '00000000-0000-4000-8000-000000000002';
const t0 = new Date('2027-01-15T12:00:00Z');
const min = 60_000;
const after = (minutes: number) => new Date(t0.getTime() + minutes * min);
const ctx = (roles: Role[], operatorId = DEMO): RequestContext => ({
  operatorId,
  caller: { kind: 'user', userId: roles.join('-'), roles: ['customer', ...roles] },
  correlationId: 't',
});
const officer = ctx(['officer']);
const agreement = (id: string, plates: string[], over: Partial<IndexedAgreement> = {}): IndexedAgreement => ({
  operatorId: DEMO,
  agreementId: id,
  status: 'active',
  vehicles: plates.map((plate) => ({ plate, country: 'NO' })),
  zoneIds: ['P1', 'P2'],
  validFrom: Date.parse('2027-01-01T00:00:00Z'),
  validTo: Date.parse('2027-02-01T00:00:00Z'),
  version: 1,
  ...over,
});

describe('observations, violations and sanctions', () => {
  let db: TestDatabase;
  let deps: EnforcementDeps;
  const index = new PlateIndex();

  beforeAll(async () => {
    db = await testDatabase('enfobs');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
    const zone = { locationId: 'loc', timeZone: 'Europe/Oslo', maxStayHours: 24 };
    for (const zoneId of ['P1', 'P2']) index.addZone({ ...zone, operatorId: DEMO, zoneId, name: zoneId });
    // A short-stay zone: an entry with no exit stops counting after 2 hours.
    index.addZone({ ...zone, operatorId: DEMO, zoneId: 'P3', name: 'P3', maxStayHours: 2 });
    index.addZone({ ...zone, operatorId: FJORD, zoneId: 'B1', locationId: 'b', name: 'B1' });
    index.setSanctionSettings(DEMO, { amount: { amount: 60000, currency: 'NOK' }, dueDays: 21 });
    index.upsert(agreement('00000000-0000-4000-8000-0000000000a1', ['PA11111', 'PA22222']));
    index.upsert(agreement('00000000-0000-4000-8000-0000000000a2', ['GA11111', 'GA22222']));
    index.upsert(agreement('00000000-0000-4000-8000-0000000000a4', ['LOG1111']));
    index.upsert(
      agreement('00000000-0000-4000-8000-0000000000a5', ['MS11111', 'MS22222'], { zoneIds: ['P3'] }),
    );
    index.upsert(
      agreement('00000000-0000-4000-8000-0000000000a3', ['END1111'], { validTo: t0.getTime() - 3 * min }),
    );
    await upsertAgreements(db.pool as unknown as pg.ClientBase, index.allAgreements());
    deps = {
      pool: db.pool,
      nc: null,
      store: new PostgresEventStore(db.pool),
      index,
      checkLog: new CheckLog(db.pool, { warn() {} }),
      clock: { now: () => t0 },
    };
  });
  afterAll(() => db.drop());

  const see = (plate: string, at: Date, over: Record<string, unknown> = {}, who = officer) =>
    observe(deps, { plate, zone: 'P1', observedAt: at.toISOString(), ...over }, who, at);

  it('records multiple_vehicles_parked once for two vehicles of one agreement seen within 30 minutes', async () => {
    const first = await see('PA11111', t0);
    expect(first).toMatchObject({ check: { allowed: true, reason: 'valid_agreement' }, violation: null });
    const second = await see('PA22222', after(10));
    expect(second.check).toMatchObject({ allowed: false, reason: 'another_vehicle_parked' });
    expect(second.violation).toMatchObject({
      type: 'multiple_vehicles_parked',
      plate: 'PA22222',
      otherPlates: ['PA11111'],
      agreementId: '00000000-0000-4000-8000-0000000000a1',
      status: 'open',
    });
    const again = await see('PA11111', after(15));
    expect(again.violation?.id).toBe(second.violation!.id);
    const list = await listViolations(
      db.pool,
      index,
      { zone: 'P1', since: t0.toISOString() },
      officer,
      after(20),
    );
    expect(list.items.filter((v) => v.type === 'multiple_vehicles_parked')).toHaveLength(1);
  });

  it('tells presence from entry and exit in gate mode', async () => {
    await see('GA11111', t0, { kind: 'entry' });
    const second = await see('GA22222', after(120), { kind: 'entry' });
    expect(second.violation).toMatchObject({ type: 'multiple_vehicles_parked', otherPlates: ['GA11111'] });
    await see('GA11111', after(130), { kind: 'exit' });
    const check = new Checks(index, null).checkOne(
      { plate: 'GA22222', zone: 'P1', at: after(131).toISOString() },
      officer,
      t0,
    );
    expect(check).toMatchObject({ allowed: true, reason: 'valid_agreement' });
  });

  it("stops counting an entry with no exit after the zone's maximum stay, on every replica", async () => {
    await see('MS11111', t0, { kind: 'entry', zone: 'P3' });
    // Within the 2 hours the other car of the agreement is refused…
    const within = await see('MS22222', after(119), { kind: 'seen', zone: 'P3' });
    expect(within.check).toMatchObject({ allowed: false, reason: 'another_vehicle_parked' });
    // …after them, the entry whose exit was never seen no longer counts: no violation made up.
    const later = await see('MS22222', after(121), { kind: 'seen', zone: 'P3' });
    expect(later).toMatchObject({ check: { allowed: true, reason: 'valid_agreement' }, violation: null });
    const { rows } = await db.pool.query(
      `select closed_at from observations where plate = 'MS11111' and kind = 'entry'`,
    );
    expect(rows[0].closed_at.toISOString()).toBe(after(120).toISOString());

    // A replica that missed the broadcasts gets presence from the table (the periodic resync).
    const replica = new PlateIndex();
    index.allZones().forEach((z) => replica.addZone(z));
    replica.upsert(
      agreement('00000000-0000-4000-8000-0000000000a5', ['MS11111', 'MS22222'], { zoneIds: ['P3'] }),
    );
    expect(replica.lastObservation(DEMO, 'MS11111', 'NO')).toBeUndefined();
    await loadPresence(db.pool, replica, after(10));
    expect(replica.lastObservation(DEMO, 'MS11111', 'NO')).toEqual({
      kind: 'entry',
      at: t0.getTime(),
      until: after(120).getTime(),
    });
    const onReplica = new Checks(replica, null).checkOne(
      { plate: 'MS22222', zone: 'P3', at: after(60).toISOString() },
      officer,
      after(60),
    );
    expect(onReplica.reason).toBe('another_vehicle_parked');
    // An exit recorded elsewhere reaches it at the next resync, and closes the entry in the table.
    await see('MS11111', after(30), { kind: 'exit', zone: 'P3' });
    await loadPresence(db.pool, replica, after(31));
    expect(replica.lastObservation(DEMO, 'MS11111', 'NO')?.kind).toBe('exit');
    const closed = await db.pool.query(
      `select closed_at from observations where plate = 'MS11111' and kind = 'entry'`,
    );
    expect(closed.rows[0].closed_at.toISOString()).toBe(after(30).toISOString());
  });

  it('refuses an observedAt more than 5 minutes ahead or more than 24 hours old with 422, recording nothing', async () => {
    const before = await db.pool.query(`select count(*)::int as n from observations`);
    const pending = deps.checkLog!.pending;
    const ahead = observe(
      deps,
      { plate: 'TT00001', zone: 'P1', observedAt: after(6).toISOString() },
      officer,
      t0,
    );
    await expect(ahead).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
      fields: [expect.objectContaining({ path: 'observedAt' })],
    });
    const old = observe(
      deps,
      { plate: 'TT00001', zone: 'P1', observedAt: after(-24 * 60 - 1).toISOString() },
      officer,
      t0,
    );
    await expect(old).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
      fields: [expect.objectContaining({ path: 'observedAt' })],
    });
    // The bounds themselves are accepted.
    await expect(
      observe(deps, { plate: 'TT00001', zone: 'P1', observedAt: after(5).toISOString() }, officer, t0),
    ).resolves.toMatchObject({ check: { plate: 'TT00001' } });
    await expect(
      observe(deps, { plate: 'TT00002', zone: 'P1', observedAt: after(-24 * 60).toISOString() }, officer, t0),
    ).resolves.toMatchObject({ check: { plate: 'TT00002' } });
    const afterwards = await db.pool.query(`select count(*)::int as n from observations`);
    expect(afterwards.rows[0].n).toBe(before.rows[0].n + 2);
    expect(deps.checkLog!.pending).toBe(pending + 2);
  });

  it('records no_valid_agreement once per plate within 30 minutes, and not within five minutes of an end', async () => {
    const first = await see('NO00001', t0);
    expect(first.violation).toMatchObject({ type: 'no_valid_agreement', agreementId: null, otherPlates: [] });
    expect((await see('NO00001', after(29))).violation?.id).toBe(first.violation!.id);
    expect((await see('NO00001', after(40))).violation?.id).not.toBe(first.violation!.id);
    const justEnded = await see('END1111', t0);
    expect(justEnded).toMatchObject({ check: { reason: 'ended' }, violation: null });
    const later = await see('END1111', after(3));
    expect(later.violation).toMatchObject({
      type: 'no_valid_agreement',
      agreementId: '00000000-0000-4000-8000-0000000000a3',
    });
  });

  it('issues a numbered sanction with the operator’s amount and due date, once, and cancels it with a reason', async () => {
    const { violation } = await see('SA00001', t0);
    const { violation: other } = await see('SA00002', t0);
    const sanction = await issueSanction(
      deps,
      { violationId: violation!.id, note: 'parked on the kerb' },
      officer,
      t0,
    );
    expect(sanction).toMatchObject({
      number: 1,
      violationId: violation!.id,
      plate: 'SA00001',
      zone: 'P1',
      amount: { amount: 60000, currency: 'NOK' },
      issuedAt: t0.toISOString(),
      dueDate: '2027-02-05',
      status: 'issued',
      note: 'parked on the kerb',
    });
    await expect(issueSanction(deps, { violationId: violation!.id }, officer, t0)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await issueSanction(deps, { violationId: other!.id }, officer, t0)).number).toBe(2);
    const list = await listViolations(db.pool, index, { since: t0.toISOString() }, ctx(['operator']), t0);
    expect(list.items.find((v) => v.id === violation!.id)?.status).toBe('sanctioned');

    await expect(
      cancelSanction(deps, { sanctionId: sanction.id, reason: '' }, officer, t0),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    const cancelled = await cancelSanction(
      deps,
      { sanctionId: sanction.id, reason: 'permit shown' },
      ctx(['operator']),
      after(60),
    );
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelReason: 'permit shown',
      cancelledAt: after(60).toISOString(),
    });
    await expect(
      cancelSanction(deps, { sanctionId: sanction.id, reason: 'again' }, officer, t0),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    const sanctions = await listSanctions(db.pool, { since: t0.toISOString() }, officer, t0);
    expect(sanctions.items.map((s) => [s.number, s.status])).toEqual([
      [1, 'cancelled'],
      [2, 'issued'],
    ]);
    const events = await db.pool.query(
      `select event_type, metadata->'actor' as actor from es.events where stream_id = $1 order by stream_version`,
      [`sanction-${violation!.id}`],
    );
    expect(events.rows).toEqual([
      { event_type: 'SanctionIssued', actor: { kind: 'user', id: 'officer' } },
      { event_type: 'SanctionCancelled', actor: { kind: 'user', id: 'operator' } },
    ]);
  });

  it("keeps roles and operators apart: devices and operators issue nothing, another operator's violation is unknown", async () => {
    const { violation } = await see('RO00001', t0);
    const device: RequestContext = {
      operatorId: DEMO,
      caller: { kind: 'device', deviceId: 'cam', roles: ['device'] },
      correlationId: 't',
    };
    await expect(issueSanction(deps, { violationId: violation!.id }, device, t0)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      issueSanction(deps, { violationId: violation!.id }, ctx(['operator']), t0),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listViolations(db.pool, index, {}, device, t0)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(see('RO00001', t0, {}, ctx([]))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const fjordOfficer = ctx(['officer'], FJORD);
    await expect(issueSanction(deps, { violationId: violation!.id }, fjordOfficer, t0)).rejects.toMatchObject(
      { code: 'NOT_FOUND' },
    );
    expect(
      (await listViolations(db.pool, index, { since: t0.toISOString() }, fjordOfficer, t0)).items,
    ).toEqual([]);
    await expect(listViolations(db.pool, index, { zone: 'B1' }, officer, t0)).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
    });
  });

  it('writes the check log in batches and anonymises plates 24 hours after they stop being needed', async () => {
    const checks = new Checks(index, deps.checkLog);
    const attendant: RequestContext = {
      ...officer,
      caller: { kind: 'user', userId: 'attendant', roles: ['officer'] },
    };
    checks.checkMany({ zone: 'P1', plates: ['LOG1111', 'XX99999'] }, attendant, t0);
    expect(deps.checkLog!.pending).toBeGreaterThan(0);
    await deps.checkLog!.flush();
    const logged = await db.pool.query(
      `select plate, reason, caller from check_log where caller = 'user:attendant' order by plate`,
    );
    expect(logged.rows).toEqual([
      { plate: 'LOG1111', reason: 'valid_agreement', caller: 'user:attendant' },
      { plate: 'XX99999', reason: 'no_agreement', caller: 'user:attendant' },
    ]);
    await see('OPEN111', t0, { kind: 'entry' });

    // A day after the last sighting closed (the exit at +130 min): only checks of agreements still
    // running (PA…, GA…, LOG1111, MS…) and entries still inside keep their plates.
    await anonymisePlates(db.pool, after(24 * 60 + 200));
    const checksLeft = await db.pool.query(
      `select distinct plate from check_log where plate is not null order by plate`,
    );
    expect(checksLeft.rows.map((r) => r.plate)).toEqual([
      'GA11111',
      'GA22222',
      'LOG1111',
      'MS11111',
      'MS22222',
      'PA11111',
      'PA22222',
    ]);
    const observationsLeft = await db.pool.query(
      `select plate, kind from observations where plate is not null order by plate`,
    );
    // Entries still inside keep their plates (GA22222 and OPEN111 never exited).
    expect(observationsLeft.rows).toEqual([
      { plate: 'GA22222', kind: 'entry' },
      { plate: 'OPEN111', kind: 'entry' },
    ]);
    const anonymised = await db.pool.query(
      `select count(*)::int as n from observations where plate is null and anonymised_at is not null`,
    );
    expect(anonymised.rows[0].n).toBeGreaterThan(5);

    // An entry that never exited is closed by its maximum stay, and anonymised a day after that.
    await anonymisePlates(db.pool, after(48 * 60 + 1));
    expect(
      (await db.pool.query(`select plate, kind from observations where plate is not null order by plate`))
        .rows,
    ).toEqual([{ plate: 'GA22222', kind: 'entry' }]);

    // After the agreement ended plus a day, its checks go too.
    await anonymisePlates(db.pool, new Date('2027-02-02T00:00:01Z'));
    expect(
      (await db.pool.query(`select count(*)::int as n from check_log where plate is not null`)).rows[0].n,
    ).toBe(0);
    // An entry whose exit never came goes a day after its agreement ended (GA22222); one seen without an
    // agreement (OPEN111) went above, a day after its maximum stay closed it.
    const openEntries = async () =>
      (await db.pool.query(`select plate from observations where plate is not null order by plate`)).rows.map(
        (r) => r.plate,
      );
    expect(await openEntries()).toEqual([]);
  });
});
