import { describe, expect, it } from '@jest/globals';
import { placeProblem, purchaseFieldOf } from './problems.js';
import { formatMoney } from './money.js';
import { operatorFromQuery } from './operator.js';

describe('API errors placed in the purchase form', () => {
  it('puts each field error beside its field and nothing in the general message', () => {
    const placed = placeProblem(
      {
        status: 422,
        title: 'Unprocessable',
        errors: [
          { path: 'employeeNumber', message: 'not on the staff list' },
          { path: 'vehicles.0.plate', message: 'bad plate' },
        ],
      },
      purchaseFieldOf,
    );
    expect(placed).toEqual({
      fields: { employeeNumber: 'not on the staff list', vehicles: 'bad plate' },
      general: null,
    });
  });

  it('keeps an error of a field the form does not show in the general message', () => {
    const placed = placeProblem(
      { status: 422, detail: 'Refused', errors: [{ path: 'productId', message: 'not on sale' }] },
      purchaseFieldOf,
    );
    expect(placed).toEqual({ fields: {}, general: 'Refused not on sale' });
  });

  it('says the status when the problem says nothing', () => {
    expect(placeProblem({ status: 502 }, purchaseFieldOf).general).toBe('HTTP 502');
  });
});

describe('money and operator', () => {
  it('shows øre as kroner', () => {
    expect(formatMoney({ amount: 125000, currency: 'NOK' }, 'en').replace(/\s/g, ' ')).toBe('NOK 1,250');
    expect(formatMoney({ amount: 15050, currency: 'NOK' }, 'en').replace(/\s/g, ' ')).toBe('NOK 150.50');
    expect(formatMoney({ amount: 125000, currency: 'NOK' }, 'nb').replace(/\s/g, ' ')).toBe('1 250 kr');
  });

  it('takes ?operator= only in dev mode and only a well-formed slug', () => {
    expect(operatorFromQuery('?operator=Fjord', true)).toBe('fjord');
    expect(operatorFromQuery('?operator=fjord', false)).toBeNull();
    expect(operatorFromQuery('?operator=../x', true)).toBeNull();
    expect(operatorFromQuery('', true)).toBeNull();
  });
});
