import { describe, expect, it } from '@jest/globals';
import { decideCheck, type AgreementValidity } from './check.js';

const t = (iso: string) => Date.parse(iso);
const at = new Date('2027-01-15T12:00:00Z');
const req = { plate: 'EK12345', country: 'NO', zone: 'P1', at };
const valid = (over: Partial<AgreementValidity> = {}): AgreementValidity => ({
  agreementId: 'a-1',
  status: 'active',
  vehicles: [{ plate: 'EK12345', country: 'NO' }],
  zoneIds: ['P1', 'P2'],
  validFrom: t('2027-01-15T00:00:00Z'),
  validTo: t('2027-01-16T00:00:00Z'),
  ...over,
});

describe('the plate check', () => {
  it('allows a plate with an agreement valid in the zone now', () => {
    expect(decideCheck(req, [valid()])).toMatchObject({
      allowed: true,
      reason: 'valid_agreement',
      agreementId: 'a-1',
    });
  });

  it('prefers the agreement valid in the zone when a plate has several', () => {
    const elsewhere = valid({ agreementId: 'a-2', zoneIds: ['G1'] });
    expect(decideCheck(req, [elsewhere, valid()])).toMatchObject({ allowed: true, agreementId: 'a-1' });
  });

  it('refuses with not_valid_in_zone when valid elsewhere at that time', () => {
    expect(decideCheck(req, [valid({ zoneIds: ['G1'] })])).toMatchObject({
      allowed: false,
      reason: 'not_valid_in_zone',
    });
  });

  it('refuses with not_started before the start, and ended (with validTo) after the end', () => {
    expect(
      decideCheck(req, [valid({ validFrom: t('2027-01-20T00:00:00Z'), validTo: t('2027-02-20T00:00:00Z') })]),
    ).toMatchObject({
      reason: 'not_started',
    });
    expect(
      decideCheck(req, [valid({ validFrom: t('2027-01-01T00:00:00Z'), validTo: t('2027-01-15T11:00:00Z') })]),
    ).toMatchObject({
      reason: 'ended',
      validTo: '2027-01-15T11:00:00.000Z',
    });
  });

  it('treats validTo as exclusive', () => {
    expect(decideCheck(req, [valid({ validTo: at.getTime() })]).reason).toBe('ended');
  });

  it('answers from the window at the time asked, whatever the status says now', () => {
    const cancelledLater = valid({ status: 'ended' });
    expect(decideCheck(req, [cancelledLater])).toMatchObject({ allowed: true, reason: 'valid_agreement' });
  });

  it('never allows an unpaid or failed purchase', () => {
    expect(decideCheck(req, [valid({ status: 'pending_payment' })]).reason).toBe('no_agreement');
    expect(decideCheck(req, [valid({ status: 'failed' })]).reason).toBe('no_agreement');
  });

  it('refuses with another_vehicle_parked while another vehicle of the agreement is present', () => {
    const shared = valid({
      vehicles: [
        { plate: 'EK12345', country: 'NO' },
        { plate: 'AB11111', country: 'NO' },
      ],
    });
    const others = (a: AgreementValidity) => a.vehicles.filter((v) => v.plate === 'AB11111');
    expect(decideCheck(req, [shared], others)).toMatchObject({
      allowed: false,
      reason: 'another_vehicle_parked',
      agreementId: 'a-1',
    });
  });

  it('allows on a second agreement of the plate when the first one is busy', () => {
    const busy = valid({ agreementId: 'a-busy' });
    const free = valid({ agreementId: 'a-free' });
    const others = (a: AgreementValidity) =>
      a.agreementId === 'a-busy' ? [{ plate: 'AB11111', country: 'NO' }] : [];
    expect(decideCheck(req, [busy, free], others)).toMatchObject({ allowed: true, agreementId: 'a-free' });
  });

  it('prefers not_valid_in_zone over not_started over ended', () => {
    const elsewhere = valid({ agreementId: 'elsewhere', zoneIds: ['G1'] });
    const later = valid({
      agreementId: 'later',
      validFrom: t('2027-02-01T00:00:00Z'),
      validTo: t('2027-03-01T00:00:00Z'),
    });
    const before = valid({
      agreementId: 'before',
      validFrom: t('2026-01-01T00:00:00Z'),
      validTo: t('2026-02-01T00:00:00Z'),
    });
    expect(decideCheck(req, [before, later, elsewhere]).reason).toBe('not_valid_in_zone');
    expect(decideCheck(req, [before, later]).reason).toBe('not_started');
    expect(decideCheck(req, [before]).reason).toBe('ended');
  });

  it('says no_agreement for an unknown plate', () => {
    expect(decideCheck(req, [])).toMatchObject({ allowed: false, reason: 'no_agreement', agreementId: null });
  });
});
