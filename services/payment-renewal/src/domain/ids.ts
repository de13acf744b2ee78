// Ids of a period's charge, derived from its key so that a retried step re-creates the same ids.
export { uuidFrom } from '@parking/contracts';

/** The idempotency key of a period's charge: agreement + period, so a period is never charged twice. */
export const chargeKey = (agreementId: string, periodNumber: number) => `${agreementId}:${periodNumber}`;
