// Whether an observation records a violation (PRODUCT.md Enforcement): two vehicles of one agreement
// present at once, or a plate with no valid agreement — never within five minutes after an agreement
// covering the zone ended, and never a second one for the same agreement (or plate) and zone within 30
// minutes of the first.
import type { Vehicle } from '@parking/contracts';
import type { ObservationKind, ViolationType } from '@parking/contracts/enforcement';
import { counts, type AgreementValidity, type Assessment } from './check.js';
import { PATROL_WINDOW_MS } from './presence.js';

export const GRACE_AFTER_END_MS = 5 * 60_000;
export const REPEAT_WINDOW_MS = PATROL_WINDOW_MS;

export interface Sighting {
  plate: string;
  country: string;
  zone: string;
  at: number;
  kind: ObservationKind;
}

/** An earlier violation in the zone, enough to tell whether this sighting repeats it. */
export interface EarlierViolation {
  id: string;
  plate: string;
  country: string;
  zone: string;
  at: number;
  agreementId: string | null;
}

export type ViolationDecision =
  | { kind: 'none' }
  | { kind: 'repeat'; violationId: string }
  | { kind: 'record'; type: ViolationType; agreementId: string | null; otherPlates: string[] };

const plateOf = (v: Vehicle) => v.plate;

/** Just ended: an agreement covering the zone ended less than five minutes before the sighting. */
function inGracePeriod(sighting: Sighting, agreements: readonly AgreementValidity[]): boolean {
  return agreements.some(
    (a) =>
      counts(a) &&
      a.zoneIds.includes(sighting.zone) &&
      a.validTo <= sighting.at &&
      sighting.at < a.validTo + GRACE_AFTER_END_MS,
  );
}

function repeats(sighting: Sighting, agreementId: string | null, earlier: readonly EarlierViolation[]) {
  return earlier.find(
    (v) =>
      v.zone === sighting.zone &&
      Math.abs(sighting.at - v.at) <= REPEAT_WINDOW_MS &&
      (agreementId
        ? v.agreementId === agreementId
        : v.agreementId === null && v.plate === sighting.plate && v.country === sighting.country),
  );
}

export function decideViolation(
  sighting: Sighting,
  assessment: Assessment,
  agreements: readonly AgreementValidity[],
  earlier: readonly EarlierViolation[],
): ViolationDecision {
  if (sighting.kind === 'exit') return { kind: 'none' };
  const { check } = assessment;
  let type: ViolationType;
  if (check.reason === 'another_vehicle_parked') type = 'multiple_vehicles_parked';
  else if (check.allowed || inGracePeriod(sighting, agreements)) return { kind: 'none' };
  else type = 'no_valid_agreement';
  const previous = repeats(sighting, check.agreementId, earlier);
  if (previous) return { kind: 'repeat', violationId: previous.id };
  return {
    kind: 'record',
    type,
    agreementId: check.agreementId,
    otherPlates: assessment.othersPresent.map(plateOf),
  };
}
