// Receipt arithmetic («kvittering»): amounts are VAT-inclusive; VAT = gross × rate / (100 + rate),
// rounded to the øre, and net + VAT = total.
import { nok, vatOf, type Money } from '@parking/contracts';
import type { Receipt } from '@parking/contracts/payment';
import { localDay } from './dates.js';

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
  /** The location's time zone: the line states the period in its calendar days (default Oslo). */
  timeZone?: string;
}

/** The period's first and last day in the location's calendar, Bokmål d.m.yyyy (`validTo` is exclusive). */
function periodText(facts: ReceiptFacts): string {
  const zone = facts.timeZone ?? 'Europe/Oslo';
  const from = Date.parse(facts.period.from);
  const to = Date.parse(facts.period.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return `${facts.period.from} – ${facts.period.to}`;
  return `${localDay(new Date(from), zone)} – ${localDay(new Date(Math.max(from, to - 1)), zone)}`;
}

export function buildReceipt(facts: ReceiptFacts): Receipt {
  const sign = facts.kind === 'refund' ? -1 : 1;
  const vat = vatOf(facts.amount, facts.vatRate);
  const net = facts.amount - vat;
  const money = (amount: number): Money => nok(sign * amount);
  const text = `${facts.kind === 'refund' ? 'Refusjon: ' : ''}${facts.product.name} (${periodText(facts)})`;
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
