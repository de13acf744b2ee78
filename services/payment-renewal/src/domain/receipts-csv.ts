// The accounting export of receipts: one CSV line per receipt (number, date, kind, net, VAT, total,
// product), amounts in NOK with two decimals, dates in Europe/Oslo. RFC 4180 quoting.
import type { Receipt } from '@parking/contracts/payment';

export const RECEIPTS_CSV_HEADER = 'number,date,kind,net,vat,total,product\r\n';

const osloDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function kroner(øre: number): string {
  const sign = øre < 0 ? '-' : '';
  const abs = Math.abs(øre);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function field(text: string): string {
  // A leading = + - @ would be a formula in a spreadsheet: quote it with a leading apostrophe.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function receiptCsvLine(r: Receipt): string {
  return [
    String(r.number),
    osloDate.format(new Date(r.issuedAt)),
    r.kind,
    kroner(r.net.amount),
    kroner(r.vat.amount),
    kroner(r.total.amount),
    field(r.product.name),
  ]
    .join(',')
    .concat('\r\n');
}
