// The PSP's webhooks: a bad signature is refused; a pending charge is settled once when the PSP
// reports it (receipt and event), and a repeat of the notification changes nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RequestContext } from '@parking/contracts';
import { runRenewals } from '../commands/running-renewals/run-renewals.js';
import {
  activeAgreement,
  countsFor,
  eventsAbout,
  harness,
  type Harness,
} from '../commands/running-renewals/renewals.test-helpers.js';
import type { SandboxPsp } from './sandbox-psp.js';
import { receivePspWebhook, signPspPayload } from './webhooks.js';

const ctx: RequestContext = { operatorId: '', caller: { kind: 'anonymous' }, correlationId: 'psp' };

describe('PSP webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  const deliver = (payload: string, signature = signPspPayload(h.deps.config.PSP_WEBHOOK_SECRET, payload)) =>
    receivePspWebhook(h.deps, { payload, signature }, ctx);

  it('refuses a notification whose signature does not match', async () => {
    const payload = JSON.stringify({ type: 'charge.succeeded', idempotencyKey: 'x:2' });
    await expect(deliver(payload, signPspPayload('another-secret-of-16+', payload))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(
      deliver(`${payload} `, signPspPayload(h.deps.config.PSP_WEBHOOK_SECRET, payload)),
    ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('settles a pending renewal charge once when the PSP reports it', async () => {
    const a = await activeAgreement(h, {
      validTo: new Date('2027-02-10T23:00:00Z'),
      token: 'tok_settles_later',
    });
    const asOf = new Date(a.renewal.dueAt);
    expect(await runRenewals(h.deps, { operatorId: h.operatorId, asOf })).toMatchObject({
      charged: 0,
      failed: 0,
    });
    expect(await countsFor(h, a.agreementId)).toEqual({ pspCharges: 1, receipts: 0, events: 0 });
    expect((await runRenewals(h.deps, { operatorId: h.operatorId, asOf })).due).toBe(0); // waits for the PSP

    const key = `${a.agreementId}:2`;
    await (h.deps.psp as SandboxPsp).settle(key, 'succeeded');
    const payload = JSON.stringify({ type: 'charge.succeeded', idempotencyKey: key });
    expect(await deliver(payload)).toEqual({ settled: true });
    expect(await deliver(payload)).toEqual({ settled: false });
    expect(await countsFor(h, a.agreementId)).toEqual({ pspCharges: 1, receipts: 1, events: 1 });
    const [event] = await eventsAbout(h, a.agreementId);
    expect(event).toMatchObject({ type: 'ChargeSucceeded', data: { periodNumber: 2 } });
  });
});
