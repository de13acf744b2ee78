import { describe, expect, it } from '@jest/globals';
import { decideCheck, type AgreementValidity } from './check.js';

const t = (iso: string) => Date.parse(iso);
const at = new Date('2027-01-15T12:00:00Z');
const req = { plate: 'EK12345', country: 'NO', zone: 'P1', at };
const valid = (over: Partial<AgreementValidity> = {}): AgreementValidity => ({
  agreementId: 'a-1',
  status: 'active',
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

  it('says no_agreement for an unknown plate', () => {
    expect(decideCheck(req, [])).toMatchObject({ allowed: false, reason: 'no_agreement', agreementId: null });
  });
});
