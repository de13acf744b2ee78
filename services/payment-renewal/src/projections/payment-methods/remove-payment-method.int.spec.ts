// Removing a card: refused while an auto-renewing agreement renews with it; allowed once it does not.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  activeAgreement,
  cardFor,
  customerOf,
  harness,
  tell,
  type Harness,
} from '../../commands/running-renewals/renewals.test-helpers.js';
import { listPaymentMethods, removePaymentMethod } from './payment-methods.js';

describe('removing a card', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses while an auto-renewing agreement renews with it (409), and removes it after cancellation', async () => {
    const a = await activeAgreement(h, { validTo: new Date('2027-02-10T23:00:00Z') });
    const ctx = customerOf(h.operatorId, a.userId);
    await expect(
      removePaymentMethod(h.deps, { paymentMethodId: a.paymentMethodId }, ctx),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await tell(h, a, 'AgreementCancelled', { status: 'cancelled_at_period_end', renewal: null });
    await removePaymentMethod(h.deps, { paymentMethodId: a.paymentMethodId }, ctx);
    expect((await listPaymentMethods(h.deps, ctx)).items).toEqual([]);
  });

  it("removes a card no agreement uses, and never another customer's (404)", async () => {
    const owner = randomUUID();
    const card = await cardFor(h, owner);
    await expect(
      removePaymentMethod(h.deps, { paymentMethodId: card }, customerOf(h.operatorId, randomUUID())),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await removePaymentMethod(h.deps, { paymentMethodId: card }, customerOf(h.operatorId, owner));
    expect((await listPaymentMethods(h.deps, customerOf(h.operatorId, owner))).items).toEqual([]);
  });
});
