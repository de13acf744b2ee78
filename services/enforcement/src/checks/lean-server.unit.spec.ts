// The lean check path's service side, on a real index: answers in the HTTP body's shape, refusals as
// error bodies with the field named, and nothing logged as a check for a refusal.
import { describe, expect, it } from '@jest/globals';
import {
  encodeLeanCheck,
  ENFORCEMENT_SUBJECTS,
  leanErrorOf,
  type LeanCheckRequest,
} from '@parking/contracts/enforcement';
import { PlateIndex } from '../projections/plate-index.js';
import { CheckLog } from './check-log.js';
import { Checks } from './checks.js';
import { answerLean } from './lean-server.js';

const DEMO = '00000000-0000-4000-8000-000000000001';
const FJORD = '00000000-0000-4000-8000-000000000002';
const now = new Date('2027-01-15T12:00:00Z');
const quiet = { error() {} };

function setUp() {
  const index = new PlateIndex();
  const zone = { locationId: 'l', timeZone: 'Europe/Oslo', maxStayHours: 24 };
  index.addZone({ ...zone, operatorId: DEMO, zoneId: 'P1', name: 'P1' });
  index.addZone({ ...zone, operatorId: DEMO, zoneId: 'P2', name: 'P2' });
  index.addZone({ ...zone, operatorId: FJORD, zoneId: 'B1', name: 'B1' });
  index.upsert({
    operatorId: DEMO,
    agreementId: 'a1',
    status: 'active',
    vehicles: [{ plate: 'AB12345', country: 'NO' }],
    zoneIds: ['P1'],
    validFrom: Date.parse('2027-01-01T00:00:00Z'),
    validTo: Date.parse('2027-02-01T00:00:00Z'),
    version: 1,
  });
  // Not started: never flushed, only counted.
  const log = new CheckLog(null as never, { warn() {} });
  return { log, checks: new Checks(index, log) };
}

const request = (over: Partial<LeanCheckRequest> = {}): LeanCheckRequest => ({
  operatorId: DEMO,
  caller: 'device:cam',
  roles: ['device'],
  zoneScope: null,
  correlationId: 'r',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  zone: 'P1',
  at: null,
  vehicles: [{ plate: 'AB12345', country: 'NO' }],
  ...over,
});

describe('the lean check path (service side)', () => {
  it('answers one plate with the Check as the body, and logs it', () => {
    const { checks, log } = setUp();
    const { reply, outcome } = answerLean(
      checks,
      ENFORCEMENT_SUBJECTS.check,
      encodeLeanCheck(request()),
      now,
      quiet,
    );
    expect(outcome).toBe('ok');
    expect(JSON.parse(reply)).toEqual({
      plate: 'AB12345',
      country: 'NO',
      zone: 'P1',
      at: now.toISOString(),
      allowed: true,
      reason: 'valid_agreement',
      agreementId: 'a1',
      validFrom: '2027-01-01T00:00:00.000Z',
      validTo: '2027-02-01T00:00:00.000Z',
    });
    expect(log.pending).toBe(1);
  });

  it('answers a batch in order, at the time asked', () => {
    const { checks, log } = setUp();
    const at = Date.parse('2027-03-01T00:00:00Z');
    const vehicles = [
      { plate: 'AB12345', country: 'NO' },
      { plate: 'ZZ99999', country: 'NO' },
      { plate: 'AB12345', country: 'S' },
    ];
    const { reply } = answerLean(
      checks,
      ENFORCEMENT_SUBJECTS.checks,
      encodeLeanCheck(request({ vehicles, at })),
      now,
      quiet,
    );
    const body = JSON.parse(reply);
    expect(
      body.items.map((c: { plate: string; country: string; reason: string; at: string }) => [
        c.plate,
        c.country,
        c.reason,
        c.at,
      ]),
    ).toEqual([
      ['AB12345', 'NO', 'ended', '2027-03-01T00:00:00.000Z'],
      ['ZZ99999', 'NO', 'no_agreement', '2027-03-01T00:00:00.000Z'],
      ['AB12345', 'S', 'no_agreement', '2027-03-01T00:00:00.000Z'],
    ]);
    expect(log.pending).toBe(3);
  });

  it('refuses, naming the field and logging nothing: unknown or foreign zone, bad plates, too many or none, wrong role or zone scope', () => {
    const { checks, log } = setUp();
    const refusal = (subject: string, over: Partial<LeanCheckRequest>) =>
      leanErrorOf(answerLean(checks, subject, encodeLeanCheck(request(over)), now, quiet).reply);
    const { check, checks: batch } = ENFORCEMENT_SUBJECTS;
    expect(refusal(check, { zone: 'P9' })).toMatchObject({
      code: 'RULE_VIOLATED',
      fields: [{ path: 'zone' }],
    });
    expect(refusal(check, { zone: 'B1' })).toMatchObject({
      code: 'RULE_VIOLATED',
      fields: [{ path: 'zone' }],
    });
    expect(refusal(check, { vehicles: [{ plate: 'ab-12', country: 'NO' }] })).toMatchObject({
      code: 'VALIDATION',
      fields: [{ path: 'plate' }],
    });
    expect(
      refusal(batch, {
        vehicles: [
          { plate: 'AB12345', country: 'NO' },
          { plate: '#', country: 'NO' },
        ],
      }),
    ).toMatchObject({
      code: 'VALIDATION',
      fields: [{ path: 'plates.1' }],
    });
    expect(refusal(batch, { vehicles: Array(1001).fill({ plate: 'AB12345', country: 'NO' }) })).toMatchObject(
      {
        code: 'VALIDATION',
        fields: [{ path: 'plates' }],
      },
    );
    expect(refusal(batch, { vehicles: [] })).toMatchObject({
      code: 'VALIDATION',
      fields: [{ path: 'plates' }],
    });
    expect(refusal(check, { roles: ['customer'] })).toMatchObject({ code: 'FORBIDDEN' });
    expect(refusal(check, { zoneScope: ['P2'] })).toMatchObject({ code: 'FORBIDDEN' });
    expect(leanErrorOf(answerLean(checks, check, '[1,2', now, quiet).reply)).toMatchObject({
      code: 'VALIDATION',
    });
    expect(leanErrorOf(answerLean(checks, check, '{"plate":"AB12345"}', now, quiet).reply)).toMatchObject({
      code: 'VALIDATION',
    });
    expect(log.pending).toBe(0);
  });
});
