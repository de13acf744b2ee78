// "May this car park here, now?" — a pure answer from the agreements of one plate (API.md `Check`).
// Reasons come from the validity windows at `at`, whatever an agreement's status says now.
import type { Check, CheckReason } from '@parking/contracts/enforcement';

export interface AgreementValidity {
  agreementId: string;
  status: string;
  zoneIds: string[];
  validFrom: number;
  validTo: number;
}

/** A purchase never paid gives no right to park. */
const NEVER_VALID = new Set(['pending_payment', 'failed']);

export function decideCheck(
  request: { plate: string; country: string; zone: string; at: Date },
  agreements: AgreementValidity[],
): Check {
  const at = request.at.getTime();
  const candidates = agreements.filter((a) => !NEVER_VALID.has(a.status));
  const answer = (allowed: boolean, reason: CheckReason, a: AgreementValidity | null): Check => ({
    plate: request.plate,
    country: request.country,
    zone: request.zone,
    at: request.at.toISOString(),
    allowed,
    reason,
    agreementId: a?.agreementId ?? null,
    validFrom: a ? new Date(a.validFrom).toISOString() : null,
    validTo: a ? new Date(a.validTo).toISOString() : null,
  });
  const current = candidates.filter((a) => a.validFrom <= at && at < a.validTo);
  const here = current.find((a) => a.zoneIds.includes(request.zone));
  if (here) return answer(true, 'valid_agreement', here);
  if (current.length) return answer(false, 'not_valid_in_zone', current[0]);
  const upcoming = candidates.filter((a) => a.validFrom > at).sort((a, b) => a.validFrom - b.validFrom);
  if (upcoming.length) return answer(false, 'not_started', upcoming[0]);
  const past = candidates.filter((a) => a.validTo <= at).sort((a, b) => b.validTo - a.validTo);
  if (past.length) return answer(false, 'ended', past[0]);
  return answer(false, 'no_agreement', null);
}
