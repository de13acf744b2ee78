// "May this car park here, now?" — a pure answer from the agreements of one plate (API.md `Check`).
// Reasons come from the validity windows at `at`, whatever an agreement's status says now.
import type { Vehicle } from '@parking/contracts';
import type { Check, CheckReason } from '@parking/contracts/enforcement';

export interface AgreementValidity {
  agreementId: string;
  status: string;
  vehicles: Vehicle[];
  zoneIds: string[];
  validFrom: number;
  validTo: number;
}

export interface CheckRequest {
  plate: string;
  country: string;
  zone: string;
  at: Date;
  /** `at` as RFC 3339, when the caller has it already (a batch formats it once, not per plate). */
  atIso?: string;
}

/** The check, the agreement it is about, and the agreement's other vehicles present at `at`. */
export interface Assessment {
  check: Check;
  agreement: AgreementValidity | null;
  othersPresent: Vehicle[];
}

/** A purchase never paid gives no right to park. */
const NEVER_VALID = new Set(['pending_payment', 'failed']);
export const counts = (a: AgreementValidity) => !NEVER_VALID.has(a.status);

const nonePresent = (): Vehicle[] => [];

export function assessCheck(
  request: CheckRequest,
  agreements: readonly AgreementValidity[],
  othersPresent: (a: AgreementValidity, at: number) => Vehicle[] = nonePresent,
): Assessment {
  const at = request.at.getTime();
  const answer = (
    allowed: boolean,
    reason: CheckReason,
    a: AgreementValidity | null,
    others: Vehicle[] = [],
  ): Assessment => ({
    check: {
      plate: request.plate,
      country: request.country,
      zone: request.zone,
      at: request.atIso ?? request.at.toISOString(),
      allowed,
      reason,
      agreementId: a?.agreementId ?? null,
      validFrom: a ? new Date(a.validFrom).toISOString() : null,
      validTo: a ? new Date(a.validTo).toISOString() : null,
    },
    agreement: a,
    othersPresent: others,
  });
  // One pass, no intermediate arrays: batches of 1,000 plates run this per plate.
  let firstBusy: AgreementValidity | null = null;
  let firstBusyOthers: Vehicle[] = [];
  let current: AgreementValidity | null = null;
  let upcoming: AgreementValidity | null = null;
  let past: AgreementValidity | null = null;
  for (const a of agreements) {
    if (!counts(a)) continue;
    if (a.validFrom <= at && at < a.validTo) {
      if (a.zoneIds.includes(request.zone)) {
        const others = othersPresent(a, at);
        if (!others.length) return answer(true, 'valid_agreement', a);
        if (!firstBusy) {
          firstBusy = a;
          firstBusyOthers = others;
        }
      } else current ??= a;
    } else if (a.validFrom > at) {
      if (!upcoming || a.validFrom < upcoming.validFrom) upcoming = a;
    } else if (!past || a.validTo > past.validTo) past = a;
  }
  if (firstBusy) return answer(false, 'another_vehicle_parked', firstBusy, firstBusyOthers);
  if (current) return answer(false, 'not_valid_in_zone', current);
  if (upcoming) return answer(false, 'not_started', upcoming);
  if (past) return answer(false, 'ended', past);
  return answer(false, 'no_agreement', null);
}

export function decideCheck(
  request: CheckRequest,
  agreements: readonly AgreementValidity[],
  othersPresent?: (a: AgreementValidity, at: number) => Vehicle[],
): Check {
  return assessCheck(request, agreements, othersPresent).check;
}
