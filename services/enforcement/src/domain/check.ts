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
      at: request.at.toISOString(),
      allowed,
      reason,
      agreementId: a?.agreementId ?? null,
      validFrom: a ? new Date(a.validFrom).toISOString() : null,
      validTo: a ? new Date(a.validTo).toISOString() : null,
    },
    agreement: a,
    othersPresent: others,
  });
  const candidates = agreements.filter(counts);
  const current = candidates.filter((a) => a.validFrom <= at && at < a.validTo);
  const here = current.filter((a) => a.zoneIds.includes(request.zone));
  if (here.length) {
    let firstBusy: { a: AgreementValidity; others: Vehicle[] } | null = null;
    for (const a of here) {
      const others = othersPresent(a, at);
      if (!others.length) return answer(true, 'valid_agreement', a);
      firstBusy ??= { a, others };
    }
    return answer(false, 'another_vehicle_parked', firstBusy!.a, firstBusy!.others);
  }
  if (current.length) return answer(false, 'not_valid_in_zone', current[0]);
  const upcoming = candidates.filter((a) => a.validFrom > at).sort((a, b) => a.validFrom - b.validFrom);
  if (upcoming.length) return answer(false, 'not_started', upcoming[0]);
  const past = candidates.filter((a) => a.validTo <= at).sort((a, b) => b.validTo - a.validTo);
  if (past.length) return answer(false, 'ended', past[0]);
  return answer(false, 'no_agreement', null);
}

export function decideCheck(
  request: CheckRequest,
  agreements: readonly AgreementValidity[],
  othersPresent?: (a: AgreementValidity, at: number) => Vehicle[],
): Check {
  return assessCheck(request, agreements, othersPresent).check;
}
