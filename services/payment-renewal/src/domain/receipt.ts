// Receipt arithmetic («kvittering»): amounts are VAT-inclusive; VAT = gross × rate / (100 + rate),
// rounded to the øre, and net + VAT = total.
import { nok, vatOf, type Money } from '@parking/contracts';
import type { Receipt } from '@parking/contracts/payment';

export interface ReceiptFacts {
  id: string;
  number: number;
  kind: 'charge' | 'refund';
  agreementId: string;
  issuedAt: Date;
  seller: Receipt['seller'];
  buyer: Receipt['buyer'];
  product: Receipt['product'];
  plates: string[];
  period: { from: string; to: string };
  /** VAT-inclusive amount in øre; for a refund, the amount refunded (shown as a negative total). */
  amount: number;
  vatRate: number;
}

export function buildReceipt(facts: ReceiptFacts): Receipt {
  const sign = facts.kind === 'refund' ? -1 : 1;
  const vat = vatOf(facts.amount, facts.vatRate);
  const net = facts.amount - vat;
  const money = (amount: number): Money => nok(sign * amount);
  const text =
    facts.kind === 'refund'
      ? `Refusjon: ${facts.product.name} (${facts.period.from.slice(0, 10)} – ${facts.period.to.slice(0, 10)})`
      : `${facts.product.name} (${facts.period.from.slice(0, 10)} – ${facts.period.to.slice(0, 10)})`;
  return {
    id: facts.id,
    number: facts.number,
    kind: facts.kind,
    agreementId: facts.agreementId,
    issuedAt: facts.issuedAt.toISOString(),
    seller: facts.seller,
    buyer: facts.buyer,
    product: facts.product,
    plates: facts.plates,
    period: facts.period,
    lines: [{ text, amount: money(facts.amount) }],
    total: money(facts.amount),
    vat: money(vat),
    net: money(net),
    vatRate: facts.vatRate,
  };
}
