import { describe, expect, it } from '@jest/globals';
import { PlateIndex, type IndexedAgreement } from './plate-index.js';

const DEMO = '00000000-0000-4000-8000-000000000001';
const FJORD = '00000000-0000-4000-8000-000000000002';
const from = Date.parse('2027-01-01T00:00:00.123Z');
const agreement = (id: string, plates: string[], over: Partial<IndexedAgreement> = {}): IndexedAgreement => ({
  operatorId: DEMO,
  agreementId: id,
  status: 'active',
  vehicles: plates.map((p) => {
    const [plate, country = 'NO'] = p.split('/');
    return { plate, country };
  }),
  zoneIds: ['P1', 'P2'],
  validFrom: from,
  validTo: from + 30 * 86_400_000,
  version: 1,
  ...over,
});
const ids = (i: PlateIndex, plate: string, country = 'NO', operator = DEMO) =>
  i.lookup(operator, plate, country).map((a) => a.agreementId);

describe('the plate index', () => {
  it('finds an agreement by plate and country, with its window to the millisecond', () => {
    const index = new PlateIndex();
    index.upsert(agreement('a1', ['AB12345', 'CD67890/S']));
    const [a] = index.lookup(DEMO, 'AB12345', 'NO');
    expect(a).toMatchObject({ agreementId: 'a1', operatorId: DEMO, status: 'active', validFrom: from });
    expect(a.zoneIds).toEqual(['P1', 'P2']);
    expect(a.vehicles).toEqual([
      { plate: 'AB12345', country: 'NO' },
      { plate: 'CD67890', country: 'S' },
    ]);
    expect(ids(index, 'CD67890', 'S')).toEqual(['a1']);
    expect(ids(index, 'CD67890', 'NO')).toEqual([]);
    expect(ids(index, 'AB12345', 'NO', FJORD)).toEqual([]);
  });

  it('applies a newer version, ignores an older one, and forgets a removed plate', () => {
    const index = new PlateIndex();
    index.upsert(agreement('a1', ['AB12345'], { version: 2 }));
    expect(index.upsert(agreement('a1', ['ZZ11111'], { version: 1 }))).toBe(false);
    expect(ids(index, 'AB12345')).toEqual(['a1']);
    expect(index.upsert(agreement('a1', ['EF11111'], { version: 3, status: 'ended', zoneIds: ['P3'] }))).toBe(
      true,
    );
    expect(ids(index, 'AB12345')).toEqual([]);
    expect(index.get('a1')).toMatchObject({ status: 'ended', zoneIds: ['P3'], version: 3 });
    expect(index.size).toBe(1);
  });

  it('keeps a plate on several agreements, and each operator apart', () => {
    const index = new PlateIndex();
    index.upsert(agreement('a1', ['AB12345']));
    index.upsert(agreement('a2', ['AB12345', 'XY11111']));
    index.upsert(agreement('f1', ['AB12345'], { operatorId: FJORD }));
    expect(ids(index, 'AB12345').sort()).toEqual(['a1', 'a2']);
    expect(ids(index, 'AB12345', 'NO', FJORD)).toEqual(['f1']);
    index.upsert(agreement('a2', ['XY11111'], { version: 2 }));
    expect(ids(index, 'AB12345')).toEqual(['a1']);
    index.upsert(agreement('a1', ['QQ11111'], { version: 2 }));
    expect(ids(index, 'AB12345')).toEqual([]);
    expect([...index.inZone(DEMO, 'P1')].map((a) => a.agreementId).sort()).toEqual(['a1', 'a2']);
    expect([...index.inZone(FJORD, 'P1')].map((a) => a.agreementId)).toEqual(['f1']);
    expect([...index.inZone(DEMO, 'P9')]).toEqual([]);
  });

  it("tells an agreement's other vehicles present, and forgets presence that can no longer count", () => {
    const index = new PlateIndex();
    index.upsert(agreement('a1', ['AB12345', 'CD67890']));
    const [a] = index.lookup(DEMO, 'AB12345', 'NO');
    const t0 = from + 86_400_000;
    index.observe(DEMO, 'CD67890', 'NO', { kind: 'entry', at: t0, until: t0 + 3_600_000 });
    expect(index.othersPresent(a, 'AB12345', 'NO', t0 + 60_000)).toEqual([
      { plate: 'CD67890', country: 'NO' },
    ]);
    expect(index.othersPresent(a, 'AB12345', 'NO', t0 + 3_600_000)).toEqual([]);
    index.observe(DEMO, 'ZZ99999', 'NO', { kind: 'seen', at: t0 });
    index.prunePresence(t0 + 3_600_001);
    expect(index.presenceSize).toBe(0);
  });

  it('returns every agreement as it was given (for comparing replicas)', () => {
    const index = new PlateIndex();
    const given = [
      agreement('a1', ['AB12345']),
      agreement('a2', ['CD12345', 'CD12345/DK'], { status: 'past_due' }),
    ];
    given.forEach((a) => index.upsert(a));
    expect(index.allAgreements()).toEqual(given);
  });
});
