// The validity read model and the in-memory index against a real database: events applied in order,
// an older version ignored, the index rebuilt from the table answering like the live one, and another
// operator's agreements and zones never counting.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RequestContext } from '@parking/contracts';
import { eventStoreMigrations, runMigrations } from '@parking/event-store';
import { messagingMigrations, type ConsumedEvent } from '@parking/messaging';
import { testDatabase, type TestDatabase } from '@parking/testing';
import { checkOne } from '../checks/checks.js';
import { migrations } from '../migrations/index.js';
import { PlateIndex } from './plate-index.js';
import { agreementValidityHandler, loadIndex, zonesHandler } from './validity.projection.js';

const DEMO = '00000000-0000-4000-8000-000000000001';
const FJORD = '00000000-0000-4000-8000-000000000002';
const now = new Date('2027-01-15T12:00:00Z');

function agreementEvent(
  operatorId: string,
  version: number,
  snapshot: Record<string, unknown>,
): ConsumedEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(version).padStart(12, '0')}`,
    type: 'AgreementActivated',
    subject: 'parking.agreement.AgreementActivated',
    streamId: `agreement-${snapshot.agreementId}`,
    streamVersion: version,
    schemaVersion: 1,
    operatorId,
    data: { agreementId: snapshot.agreementId, userId: 'u', snapshot },
    deliveryCount: 1,
    streamSequence: version,
  };
}

const snapshot = (over: Record<string, unknown> = {}) => ({
  agreementId: '11111111-1111-4111-8111-111111111111',
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

describe('enforcement read model and index', () => {
  let db: TestDatabase;
  const index = new PlateIndex();

  beforeAll(async () => {
    db = await testDatabase('enf');
    await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
  });
  afterAll(() => db.drop());

  async function apply(
    handler: (e: ConsumedEvent, tx: import('pg').PoolClient) => Promise<void>,
    event: ConsumedEvent,
  ) {
    const tx = await db.pool.connect();
    try {
      await tx.query('begin');
      await handler(event, tx);
      await tx.query('commit');
    } finally {
      tx.release();
    }
  }

  it('answers a check from the events it has applied, never from an older version', async () => {
    const zones = zonesHandler(index);
    await apply(zones, {
      ...agreementEvent(DEMO, 1, snapshot()),
      subject: 'parking.catalogue.LocationPublished',
      data: {
        location: {
          id: 'loc',
          zones: [
            { id: 'zone-p1', name: 'P1' },
            { id: 'zone-p2', name: 'P2' },
          ],
        },
      },
    });
    const handle = agreementValidityHandler(index);
    await apply(handle, agreementEvent(DEMO, 2, snapshot()));
    expect(checkOne(index, { plate: 'EK12345', zone: 'zone-p1' }, officer(DEMO), now)).toMatchObject({
      allowed: true,
      reason: 'valid_agreement',
    });
    // Vehicles changed at version 3; a late copy of version 2 changes nothing.
    await apply(
      handle,
      agreementEvent(DEMO, 3, snapshot({ vehicles: [{ plate: 'AB99999', country: 'NO' }] })),
    );
    await apply(handle, agreementEvent(DEMO, 2, snapshot()));
    expect(checkOne(index, { plate: 'EK12345', zone: 'zone-p1' }, officer(DEMO), now).reason).toBe(
      'no_agreement',
    );
    expect(checkOne(index, { plate: 'AB99999', zone: 'zone-p1' }, officer(DEMO), now).allowed).toBe(true);
    const { rows } = await db.pool.query('select stream_version from agreement_validity');
    expect(rows).toEqual([{ stream_version: 3 }]);
  });

  it('rebuilds the same index from the table', async () => {
    const rebuilt = new PlateIndex();
    await loadIndex(db.pool, rebuilt);
    for (const plate of ['EK12345', 'AB99999', 'ZZ00000']) {
      const live = checkOne(index, { plate, zone: 'zone-p1' }, officer(DEMO), now);
      expect(checkOne(rebuilt, { plate, zone: 'zone-p1' }, officer(DEMO), now)).toEqual(live);
    }
  });

  it("never counts another operator's agreements or zones", () => {
    expect(() => checkOne(index, { plate: 'AB99999', zone: 'zone-p1' }, officer(FJORD), now)).toThrow(
      expect.objectContaining({ code: 'RULE_VIOLATED' }),
    );
    expect(index.lookup(FJORD, 'AB99999', 'NO')).toEqual([]);
  });

  it('keeps a zone-scoped device to its zones, and customers out', () => {
    const device: RequestContext = {
      operatorId: DEMO,
      caller: { kind: 'device', deviceId: 'cam', roles: ['device'], zoneIds: ['zone-p2'] },
      correlationId: 't',
    };
    expect(() => checkOne(index, { plate: 'AB99999', zone: 'zone-p1' }, device, now)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
    // In its own zone the device gets an answer (this agreement covers P1 only).
    expect(checkOne(index, { plate: 'AB99999', zone: 'zone-p2' }, device, now).reason).toBe(
      'not_valid_in_zone',
    );
    const customer: RequestContext = {
      ...officer(DEMO),
      caller: { kind: 'user', userId: 'c', roles: ['customer'] },
    };
    expect(() => checkOne(index, { plate: 'AB99999', zone: 'zone-p1' }, customer, now)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });

  it('refuses a plate that cannot be normalised and a time without an offset, naming the field', () => {
    expect(() => checkOne(index, { plate: '#', zone: 'zone-p1' }, officer(DEMO), now)).toThrow(
      expect.objectContaining({ code: 'VALIDATION', fields: [expect.objectContaining({ path: 'plate' })] }),
    );
    expect(() =>
      checkOne(index, { plate: 'AB99999', zone: 'zone-p1', at: '2027-01-15T12:00:00' }, officer(DEMO), now),
    ).toThrow(
      expect.objectContaining({ code: 'VALIDATION', fields: [expect.objectContaining({ path: 'at' })] }),
    );
  });
});
