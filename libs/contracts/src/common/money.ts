// Money in øre (minor units), VAT-inclusive.
import { z } from 'zod';

export const moneySchema = z.object({
  amount: z.number().int('whole øre').positive('more than 0'),
  currency: z.literal('NOK'),
});
export type Money = z.infer<typeof moneySchema>;

export const nok = (amount: number): Money => ({ amount, currency: 'NOK' });

/** VAT contained in a VAT-inclusive amount, rounded to the øre: 25 % → gross × 0.2. */
export function vatOf(gross: number, vatRatePercent: number): number {
  return Math.round((gross * vatRatePercent) / (100 + vatRatePercent));
}
