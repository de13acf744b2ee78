// Idempotency-Key records against a real nats-server (JetStream), the requests racing in parallel: one
// runs, the others are told it is in flight or get its answer; a 402 is kept; a refusal frees the key;
// an expired or abandoned key is taken over by exactly one request.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppError } from '@parking/contracts';
import { closeNats, connectNats } from '@parking/messaging';
import type { NatsConnection } from '@nats-io/transport-node';
import { startNats, tempDir, type RunningServer } from '../../../../deploy/local/servers.mjs';
import { ABANDONED_AFTER_MS, IdempotencyStore, KEEP_MS, type KeptAnswer } from './idempotency.js';

let nats: RunningServer;
let nc: NatsConnection;
let offset = 0;
let store: IdempotencyStore;

beforeAll(async () => {
  nats = await startNats({ dataDir: tempDir('idem-') });
  nc = await connectNats({ url: nats.url, name: 'idempotency-test' });
  store = new IdempotencyStore(nc, { now: () => Date.now() + offset });
}, 30_000);
afterAll(async () => {
  await closeNats(nc);
  await nats?.stop();
});

const scope = (userId: string) => ({ operatorId: 'op-1', userId, route: 'POST /v1/payment-methods' });
const slow =
  (answer: KeptAnswer, counter: { n: number }, ms = 200) =>
  async () => {
    counter.n++;
    await new Promise((r) => setTimeout(r, ms));
    return answer;
  };
const settle = (calls: Array<Promise<KeptAnswer>>) =>
  Promise.allSettled(calls).then((rs) =>
    rs.map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as AppError).code)),
  );

describe('Idempotency-Key', () => {
  it('runs one of 10 requests sent at once with one key; the others hear 409; a repeat gets the answer', async () => {
    const runs = { n: 0 };
    const card = { status: 201, body: { id: 'card-1' } };
    const outcomes = await settle(
      Array.from({ length: 10 }, () =>
        store.run(scope('u1'), 'k1', { token: 'tok_visa', label: 'x' }, slow(card, runs)),
      ),
    );
    expect(runs.n).toBe(1);
    expect(outcomes.filter((o) => o === 201)).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(9);
    // The same body with its fields in another order is the same request.
    await expect(
      store.run(scope('u1'), 'k1', { label: 'x', token: 'tok_visa' }, slow(card, runs)),
    ).resolves.toEqual(card);
    expect(runs.n).toBe(1);
    await expect(store.run(scope('u1'), 'k1', { token: 'tok_3ds' }, slow(card, runs))).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
      type: 'idempotency-key-reused',
    });
    // Keys are per user.
    await store.run(scope('u2'), 'k1', { token: 'tok_3ds' }, slow(card, runs));
    expect(runs.n).toBe(2);
  });

  it('keeps a 402: a retry with the key is answered, not run again', async () => {
    let runs = 0;
    const declined = async (): Promise<KeptAnswer> => {
      runs++;
      throw new AppError('PAYMENT_DECLINED', 'The card was declined');
    };
    await expect(store.run(scope('u3'), 'k2', { a: 1 }, declined)).rejects.toMatchObject({
      code: 'PAYMENT_DECLINED',
    });
    const again = await store.run(scope('u3'), 'k2', { a: 1 }, declined);
    expect(again.status).toBe(402);
    expect(again.body).toMatchObject({ status: 402, detail: 'The card was declined' });
    expect(again.headers?.['content-type']).toBe('application/problem+json');
    expect(runs).toBe(1);
  });

  it('frees the key after a refusal, so a corrected request may use it', async () => {
    const refused = async (): Promise<KeptAnswer> => {
      throw new AppError('RULE_VIOLATED', 'Not on the staff list');
    };
    await expect(store.run(scope('u4'), 'k3', { a: 1 }, refused)).rejects.toMatchObject({
      code: 'RULE_VIOLATED',
    });
    await expect(
      store.run(scope('u4'), 'k3', { a: 1 }, async () => ({ status: 201, body: {} })),
    ).resolves.toEqual({
      status: 201,
      body: {},
    });
  });

  it('lets exactly one of 10 requests take over an expired key, and one an abandoned one', async () => {
    const runs = { n: 0 };
    await store.run(scope('u5'), 'k4', { a: 1 }, slow({ status: 201, body: { v: 1 } }, runs, 0));
    offset = KEEP_MS + 1_000;
    try {
      const outcomes = await settle(
        Array.from({ length: 10 }, () =>
          store.run(scope('u5'), 'k4', { a: 2 }, slow({ status: 201, body: { v: 2 } }, runs)),
        ),
      );
      expect(runs.n).toBe(2);
      expect(outcomes.filter((o) => o === 201)).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'CONFLICT')).toHaveLength(9);
    } finally {
      offset = 0;
    }

    // A request whose gateway died mid-flight leaves an in-flight record; after the lease, one takes over.
    const never = store.run(scope('u6'), 'k5', { a: 1 }, () => new Promise<KeptAnswer>(() => {}));
    void never;
    await new Promise((r) => setTimeout(r, 100));
    await expect(
      store.run(scope('u6'), 'k5', { a: 1 }, slow({ status: 201, body: {} }, runs, 0)),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    offset = ABANDONED_AFTER_MS + 1_000;
    try {
      const before = runs.n;
      const outcomes = await settle(
        Array.from({ length: 10 }, () =>
          store.run(scope('u6'), 'k5', { a: 1 }, slow({ status: 201, body: {} }, runs)),
        ),
      );
      expect(runs.n - before).toBe(1);
      expect(outcomes.filter((o) => o === 201)).toHaveLength(1);
    } finally {
      offset = 0;
    }
  });
});
