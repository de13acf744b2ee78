import { describe, expect, it } from '@jest/globals';
import { assessCheck, type AgreementValidity } from './check.js';
import { decideViolation, type EarlierViolation, type Sighting } from './violation.js';

const t = (iso: string) => Date.parse(iso);
const at = t('2027-01-15T12:00:00Z');
const min = 60_000;
const agreement = (over: Partial<AgreementValidity> = {}): AgreementValidity => ({
  agreementId: 'a-1',
  status: 'active',
  vehicles: [
    { plate: 'EK12345', country: 'NO' },
    { plate: 'AB11111', country: 'NO' },
  ],
  zoneIds: ['P1'],
  validFrom: t('2027-01-01T00:00:00Z'),
  validTo: t('2027-02-01T00:00:00Z'),
  ...over,
});
const sighting = (over: Partial<Sighting> = {}): Sighting => ({
  plate: 'EK12345',
  country: 'NO',
  zone: 'P1',
  at,
  kind: 'seen',
  ...over,
});

/** given the plate's agreements (and who else is present), when it is sighted, then this decision. */
function when(
  s: Sighting,
  agreements: AgreementValidity[],
  earlier: EarlierViolation[] = [],
  others = false,
) {
  const assessment = assessCheck({ ...s, at: new Date(s.at) }, agreements, (a) =>
    others ? a.vehicles.filter((v) => v.plate !== s.plate) : [],
  );
  return decideViolation(s, assessment, agreements, earlier);
}

describe('violations', () => {
  it('records nothing for a plate with a valid agreement', () => {
    expect(when(sighting(), [agreement()])).toEqual({ kind: 'none' });
  });

  it('records multiple_vehicles_parked on the plate seen last, naming the others', () => {
    expect(when(sighting(), [agreement()], [], true)).toEqual({
      kind: 'record',
      type: 'multiple_vehicles_parked',
      agreementId: 'a-1',
      otherPlates: ['AB11111'],
    });
  });

  it('records no_valid_agreement for a plate without an agreement', () => {
    expect(when(sighting(), [])).toEqual({
      kind: 'record',
      type: 'no_valid_agreement',
      agreementId: null,
      otherPlates: [],
    });
  });

  it('records no_valid_agreement with the agreement that is valid only elsewhere', () => {
    expect(when(sighting(), [agreement({ zoneIds: ['G1'] })])).toMatchObject({
      type: 'no_valid_agreement',
      agreementId: 'a-1',
    });
  });

  it('records nothing within five minutes after an agreement in the zone ended, and records after', () => {
    const ended = agreement({ validTo: at - 4 * min });
    expect(when(sighting(), [ended])).toEqual({ kind: 'none' });
    expect(when(sighting(), [agreement({ validTo: at - 5 * min })])).toMatchObject({
      kind: 'record',
      type: 'no_valid_agreement',
    });
  });

  it('does not let an agreement for another zone grant the five minutes', () => {
    const endedElsewhere = agreement({ zoneIds: ['G1'], validTo: at - min });
    expect(when(sighting(), [endedElsewhere])).toMatchObject({ kind: 'record' });
  });

  it('repeats the open violation of the same agreement and zone within 30 minutes', () => {
    const earlier: EarlierViolation = {
      id: 'v-1',
      plate: 'AB11111',
      country: 'NO',
      zone: 'P1',
      at: at - 20 * min,
      agreementId: 'a-1',
    };
    expect(when(sighting(), [agreement()], [earlier], true)).toEqual({ kind: 'repeat', violationId: 'v-1' });
    expect(when(sighting(), [agreement()], [{ ...earlier, at: at - 31 * min }], true)).toMatchObject({
      kind: 'record',
    });
    expect(when(sighting(), [agreement()], [{ ...earlier, zone: 'P2' }], true)).toMatchObject({
      kind: 'record',
    });
  });

  it('repeats by plate when there is no agreement', () => {
    const earlier: EarlierViolation = {
      id: 'v-2',
      plate: 'EK12345',
      country: 'NO',
      zone: 'P1',
      at: at - 10 * min,
      agreementId: null,
    };
    expect(when(sighting(), [], [earlier])).toEqual({ kind: 'repeat', violationId: 'v-2' });
    expect(when(sighting({ country: 'S' }), [], [earlier])).toMatchObject({ kind: 'record' });
  });

  it('records nothing for a vehicle leaving', () => {
    expect(when(sighting({ kind: 'exit' }), [])).toEqual({ kind: 'none' });
  });
});
