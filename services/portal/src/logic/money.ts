// Money as API.md sends it (øre, VAT-inclusive) shown the Norwegian or English way.

export interface Money {
  amount: number;
  currency: string;
}

export function formatMoney(money: Money, locale: 'nb' | 'en'): string {
  return new Intl.NumberFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', {
    style: 'currency',
    currency: money.currency,
    minimumFractionDigits: money.amount % 100 === 0 ? 0 : 2,
  }).format(money.amount / 100);
}
