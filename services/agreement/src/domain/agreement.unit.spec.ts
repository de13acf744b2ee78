import { describe, expect, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import { evolve, initialState, type AgreementEvent, type ProductTerms } from './agreement.js';
import { decide, type AgreementCommand, type RequestPurchase } from './decide.js';

const spec = deciderSpec<AgreementCommand, AgreementEvent, ReturnType<typeof initialState>>({
  decide,
  evolve,
  initialState,
});

const zones = [
  { id: 'z-p1', name: 'P1' },
  { id: 'z-p2', name: 'P2' },
];
const dayProduct: ProductTerms & { onSale: boolean } = {
  id: 'p-day',
  name: 'Døgnparkering',
  locationId: 'loc-1',
  timeZone: 'Europe/Oslo',
  zones,
  price: { amount: 15000, currency: 'NOK' },
  vatRate: 25,
  period: { unit: 'day', count: 1 },
  autoRenew: false,
  maxVehicles: 1,
  startPolicy: 'at_purchase',
  requiresEmployeeNumber: false,
  termsId: 'terms-1',
  onSale: true,
};
const monthProduct: ProductTerms & { onSale: boolean } = {
  ...dayProduct,
  id: 'p-month',
  name: 'Ansatt måned',
  price: { amount: 125000, currency: 'NOK' },
  period: { unit: 'month', count: 1 },
  autoRenew: true,
  maxVehicles: 3,
  startPolicy: 'chosen',
  requiresEmployeeNumber: true,
};

// 10:00 in Oslo on 15 January 2027.
const now = new Date('2027-01-15T09:00:00.000Z');

function purchase(overrides: Partial<RequestPurchase> = {}): RequestPurchase {
  return {
    type: 'RequestPurchase',
    agreementId: 'a-1',
    userId: 'u-1',
    product: dayProduct,
    vehicles: [{ plate: 'EK12345', country: 'NO' }],
    acceptedTermsId: 'terms-1',
    paymentMethod: { id: 'pm-1', usable: true },
    employeeOnStaffList: null,
    employeeHoldsAgreement: false,
    now,
    ...overrides,
  };
}

function monthly(overrides: Partial<RequestPurchase> = {}): RequestPurchase {
  return purchase({
    product: monthProduct,
    startDate: '2027-02-01',
    employeeNumber: '10001',
    employeeOnStaffList: true,
    vehicles: [
      { plate: 'EK12345', country: 'NO' },
      { plate: 'AB11111', country: 'NO' },
    ],
    ...overrides,
  });
}

/** The field paths a refusal names. */
function refusedFields(command: RequestPurchase): string[] {
  try {
    decide(command, initialState());
  } catch (err: any) {
    expect(err.code).toBe('RULE_VIOLATED');
    return err.fields.map((f: { path: string }) => f.path);
  }
  throw new Error('the purchase was not refused');
}

const requested = (): AgreementEvent => decide(purchase(), initialState())[0];

describe('purchasing an agreement', () => {
  it('starts a day product at the purchase instant and lasts 24 hours, whatever start date is sent', () => {
    const [event] = decide(purchase({ startDate: '2027-03-01' }), initialState());
    expect(event).toMatchObject({
      type: 'AgreementRequested',
      data: {
        validFrom: '2027-01-15T09:00:00.000Z',
        validTo: '2027-01-16T09:00:00.000Z',
        paymentMethodId: 'pm-1',
      },
    });
  });

  it('starts a chosen start date at 00:00 in the location time zone and runs one calendar month', () => {
    const [event] = decide(monthly(), initialState());
    expect(event.data).toMatchObject({
      validFrom: '2027-01-31T23:00:00.000Z',
      validTo: '2027-02-28T23:00:00.000Z',
      employeeNumber: '10001',
    });
  });

  it('refuses a product that is not on sale', () => {
    expect(refusedFields(purchase({ product: { ...dayProduct, onSale: false } }))).toContain('productId');
  });

  it('refuses more vehicles than the product allows', () => {
    const four = ['AA11111', 'BB22222', 'CC33333', 'DD44444'].map((plate) => ({ plate, country: 'NO' }));
    expect(refusedFields(monthly({ vehicles: four }))).toContain('vehicles');
    expect(refusedFields(purchase({ vehicles: four.slice(0, 2) }))).toContain('vehicles');
  });

  it('refuses more than one vehicle for a period of 14 days or less', () => {
    const week = {
      ...monthProduct,
      period: { unit: 'week' as const, count: 2 },
      requiresEmployeeNumber: false,
    };
    expect(refusedFields(monthly({ product: week }))).toContain('vehicles');
  });

  it('refuses the same plate twice, but the same plate of another country is another vehicle', () => {
    const twice = [
      { plate: 'EK12345', country: 'NO' },
      { plate: 'EK12345', country: 'NO' },
    ];
    expect(refusedFields(monthly({ vehicles: twice }))).toContain('vehicles.1.plate');
    const [event] = decide(
      monthly({ vehicles: [twice[0], { plate: 'EK12345', country: 'S' }] }),
      initialState(),
    );
    expect(event.type).toBe('AgreementRequested');
  });

  it('accepts a start date from today up to 90 days ahead, in the location time zone', () => {
    expect(decide(monthly({ startDate: '2027-01-15' }), initialState())).toHaveLength(1);
    expect(decide(monthly({ startDate: '2027-04-15' }), initialState())).toHaveLength(1);
    expect(refusedFields(monthly({ startDate: '2027-04-16' }))).toEqual(['startDate']);
    expect(refusedFields(monthly({ startDate: '2027-01-14' }))).toEqual(['startDate']);
    // 23:30 UTC on 14 January is already 15 January in Oslo: the 14th is in the past there.
    const lateEvening = new Date('2027-01-14T23:30:00.000Z');
    expect(refusedFields(monthly({ now: lateEvening, startDate: '2027-01-14' }))).toEqual(['startDate']);
  });

  it('needs a start date for a product whose customer chooses it', () => {
    expect(refusedFields(monthly({ startDate: undefined }))).toEqual(['startDate']);
    expect(refusedFields(monthly({ startDate: '2027-02-30' }))).toEqual(['startDate']);
  });

  it('needs the employee number when the product requires it, on the staff list, once per product', () => {
    expect(refusedFields(monthly({ employeeNumber: undefined }))).toEqual(['employeeNumber']);
    expect(refusedFields(monthly({ employeeOnStaffList: false }))).toEqual(['employeeNumber']);
    expect(refusedFields(monthly({ employeeHoldsAgreement: true }))).toEqual(['employeeNumber']);
  });

  it('needs the current terms accepted', () => {
    expect(refusedFields(purchase({ acceptedTermsId: 'terms-old' }))).toEqual(['acceptedTermsId']);
  });

  it("needs an active payment method of the customer's own", () => {
    expect(refusedFields(purchase({ paymentMethod: { id: 'pm-x', usable: false } }))).toEqual([
      'paymentMethodId',
    ]);
  });

  it('names every broken rule at once', () => {
    const fields = refusedFields(
      monthly({ employeeNumber: undefined, acceptedTermsId: 'x', startDate: undefined }),
    );
    expect(fields.sort()).toEqual(['acceptedTermsId', 'employeeNumber', 'startDate']);
  });

  it('does not buy the same agreement twice', () => {
    spec.given([requested()]).when(purchase()).thenThrows('CONFLICT');
  });
});

describe('the first charge', () => {
  it('activates a pending agreement when the first charge succeeds', () => {
    spec
      .given([requested()])
      .when({ type: 'ActivateAgreement', chargeId: 'c-1', now })
      .then([
        {
          type: 'AgreementActivated',
          data: { agreementId: 'a-1', chargeId: 'c-1', activatedAt: now.toISOString() },
        },
      ]);
  });

  it('changes nothing when the charge event is delivered again', () => {
    const activated: AgreementEvent = {
      type: 'AgreementActivated',
      data: { agreementId: 'a-1', chargeId: 'c-1', activatedAt: now.toISOString() },
    };
    spec.given([requested(), activated]).when({ type: 'ActivateAgreement', chargeId: 'c-1', now }).then([]);
  });

  it('fails a pending purchase whose card is declined, and an active one cannot fail', () => {
    spec
      .given([requested()])
      .when({ type: 'FailPurchase', reason: 'payment_declined', now })
      .then([
        {
          type: 'AgreementPurchaseFailed',
          data: { agreementId: 'a-1', reason: 'payment_declined', failedAt: now.toISOString() },
        },
      ]);
    const activated: AgreementEvent = {
      type: 'AgreementActivated',
      data: { agreementId: 'a-1', chargeId: 'c-1', activatedAt: now.toISOString() },
    };
    spec
      .given([requested(), activated])
      .when({ type: 'FailPurchase', reason: 'payment_timeout', now })
      .then([]);
  });

  it('cannot activate an agreement that does not exist', () => {
    spec.given([]).when({ type: 'ActivateAgreement', chargeId: 'c-1', now }).thenThrows('NOT_FOUND');
  });
});

describe('changing vehicles', () => {
  const monthRequested = (): AgreementEvent => decide(monthly(), initialState())[0];

  it('replaces the set of vehicles', () => {
    const vehicles = [{ plate: 'XY98765', country: 'NO' }];
    spec
      .given([monthRequested()])
      .when({ type: 'ChangeVehicles', userId: 'u-1', vehicles, now })
      .then([
        { type: 'VehiclesChanged', data: { agreementId: 'a-1', vehicles, changedAt: now.toISOString() } },
      ]);
  });

  it("hides another customer's agreement", () => {
    spec
      .given([monthRequested()])
      .when({ type: 'ChangeVehicles', userId: 'u-2', vehicles: [{ plate: 'XY98765', country: 'NO' }], now })
      .thenThrows('NOT_FOUND');
  });

  it('refuses more vehicles than the product allows', () => {
    const four = ['AA11111', 'BB22222', 'CC33333', 'DD44444'].map((plate) => ({ plate, country: 'NO' }));
    spec
      .given([monthRequested()])
      .when({ type: 'ChangeVehicles', userId: 'u-1', vehicles: four, now })
      .thenThrows('RULE_VIOLATED');
  });
});
