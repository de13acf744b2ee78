// Test support for the renewal suites: a payment database and deps, customers with cards, and
// agreements told to the service as the agreement service's integration events would tell them.
import type { NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import type { RequestContext } from '@parking/contracts';
import type { AgreementChanged, RenewalDue } from '@parking/contracts/agreement';
import type { Operator } from '@parking/contracts/identity';
import { eventStoreMigrations, PostgresEventStore, runMigrations } from '@parking/event-store';
import { messagingMigrations, RpcClient, type ConsumedEvent } from '@parking/messaging';
import { createLogger, fixedClock, HealthRegistry, parseConfig } from '@parking/platform';
import { testDatabase, testNatsConnection, type TestDatabase } from '@parking/testing';
import type pg from 'pg';
import { configSchema } from '../../config.js';
import type { Deps } from '../../deps.js';
import { migrations } from '../../migrations/index.js';
import { OperatorDirectory } from '../../operators/operator-directory.js';
import { addPaymentMethod } from '../../projections/payment-methods/payment-methods.js';
import { SandboxPsp } from '../../psp/sandbox-psp.js';
import { agreementChangedReaction } from '../../reactions/agreement-changed/agreement-changed.reaction.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Harness {
  db: TestDatabase;
  nc: NatsConnection;
  deps: Deps;
  operatorId: string;
  close(): Promise<void>;
}

export async function harness(now = new Date('2027-01-15T09:00:00Z')): Promise<Harness> {
  const db = await testDatabase('renew');
  await runMigrations(db.pool, [...eventStoreMigrations, ...messagingMigrations, ...migrations]);
  const nc = await testNatsConnection();
  const operatorId = randomUUID();
  const seller: Operator = {
    id: operatorId,
    slug: `op-${operatorId.slice(0, 8)}`,
    name: 'Demo Parkering AS',
    organisationNumber: '999 999 999',
    address: 'Storgata 1, 3126 Tønsberg',
    hosts: [],
    smsSender: 'Park',
    psp: { provider: 'sandbox', account: 'sandbox' },
    sanction: { amount: { amount: 60000, currency: 'NOK' }, dueDays: 21 },
  };
  const deps: Deps = {
    config: parseConfig(configSchema, { DATABASE_URL: db.url }),
    logger: createLogger({ name: 'renewal-test', level: 'silent' }),
    pool: db.pool,
    store: new PostgresEventStore(db.pool),
    rpc: new RpcClient(nc),
    clock: fixedClock(now),
    nc,
    health: new HealthRegistry(),
    psp: new SandboxPsp(db.pool),
    operators: new OperatorDirectory(async () => ({ items: [seller], defaultOperatorId: operatorId })),
  };
  return {
    db,
    nc,
    deps,
    operatorId,
    async close() {
      await nc.close();
      await db.drop();
    },
  };
}

export const customerOf = (operatorId: string, userId: string): RequestContext => ({
  operatorId,
  caller: { kind: 'user', userId, roles: ['customer'] },
  correlationId: 't',
});

export async function cardFor(h: Harness, userId: string, token = 'tok_visa'): Promise<string> {
  return (await addPaymentMethod(h.deps, { token }, customerOf(h.operatorId, userId))).id;
}

export interface AgreementFixture {
  agreementId: string;
  userId: string;
  productId: string;
  paymentMethodId: string;
  validFrom: Date;
  validTo: Date;
  renewal: RenewalDue;
  version: number;
}

/** An active monthly agreement whose period 1 ends at `validTo`: renewal of period 2 due 72 h before. */
export async function activeAgreement(
  h: Harness,
  o: { validTo: Date; token?: string; amount?: number; employeeNumber?: string; productId?: string },
): Promise<AgreementFixture> {
  const userId = randomUUID();
  const validFrom = new Date(o.validTo.getTime() - 30 * DAY);
  const fixture: AgreementFixture = {
    agreementId: randomUUID(),
    userId,
    productId: o.productId ?? randomUUID(),
    paymentMethodId: await cardFor(h, userId, o.token),
    validFrom,
    validTo: o.validTo,
    renewal: {
      periodNumber: 2,
      period: { from: o.validTo.toISOString(), to: new Date(o.validTo.getTime() + 31 * DAY).toISOString() },
      dueAt: new Date(o.validTo.getTime() - 72 * HOUR).toISOString(),
      retryAt: [new Date(o.validTo.getTime() - 48 * HOUR).toISOString(), o.validTo.toISOString()],
      amount: { amount: o.amount ?? 125000, currency: 'NOK' },
    },
    version: 0,
  };
  await tell(h, fixture, 'AgreementActivated', { employeeNumber: o.employeeNumber ?? null });
  return fixture;
}

/** Delivers an agreement event about the fixture, as the consumer would (one transaction). */
export async function tell(
  h: Harness,
  a: AgreementFixture,
  type: string,
  extra: Partial<AgreementChanged> & { status?: AgreementChanged['snapshot']['status'] } = {},
  retry: (operatorId: string, agreementId: string) => void = () => {},
): Promise<void> {
  a.version += 1;
  const { status, ...rest } = extra;
  const data: AgreementChanged = {
    agreementId: a.agreementId,
    userId: a.userId,
    snapshot: {
      agreementId: a.agreementId,
      status: status ?? 'active',
      vehicles: [{ plate: 'EK12345', country: 'NO' }],
      zoneIds: ['z'],
      validFrom: a.validFrom.toISOString(),
      validTo: a.validTo.toISOString(),
    },
    productId: a.productId,
    productName: 'Ansatt måned',
    paymentMethodId: a.paymentMethodId,
    employeeNumber: null,
    autoRenew: true,
    vatRate: 25,
    renewal: a.renewal,
    paidPeriod: null,
    ...rest,
  };
  const event: ConsumedEvent = {
    eventId: randomUUID(),
    type,
    subject: `parking.agreement.${type}`,
    streamId: `agreement-${a.agreementId}`,
    streamVersion: a.version,
    schemaVersion: 1,
    operatorId: h.operatorId,
    data,
    deliveryCount: 1,
    streamSequence: 1,
  };
  await inTx(h.db.pool, (tx) => agreementChangedReaction(h.deps, retry)(event, tx));
}

export async function inTx<T>(pool: pg.Pool, work: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('begin');
    const result = await work(tx);
    await tx.query('commit');
    return result;
  } catch (err) {
    await tx.query('rollback');
    throw err;
  } finally {
    tx.release();
  }
}

export async function countsFor(h: Harness, agreementId: string) {
  const q = async (sql: string) => (await h.db.pool.query(sql, [agreementId])).rows[0].n as number;
  return {
    pspCharges: await q(
      `select count(*)::int as n from sandbox_charges where idempotency_key like $1 || ':%'`,
    ),
    receipts: await q('select count(*)::int as n from receipts where agreement_id = $1'),
    events: await q(
      `select count(*)::int as n from es.events
       where data->>'agreementId' = $1 and event_type in ('ChargeSucceeded', 'ChargeFailed')`,
    ),
  };
}

/** The payment events about an agreement, in the order they were recorded. */
export async function eventsAbout(h: Harness, agreementId: string) {
  const { rows } = await h.db.pool.query(
    `select event_type as type, data from es.events where data->>'agreementId' = $1 order by global_position`,
    [agreementId],
  );
  return rows as { type: string; data: any }[];
}

/** Answers a NATS request subject in the Nest envelope, as a service would. */
export function respond(
  nc: NatsConnection,
  subject: string,
  answer: (data: any, operatorId: string) => { ok: true; data: unknown } | { ok: false; error: unknown },
) {
  return nc.subscribe(subject, {
    callback: (_err, msg) => {
      const packet = msg.json<{ id: string; data: unknown }>();
      const operatorId = msg.headers?.get('x-operator-id') ?? '';
      msg.respond(
        JSON.stringify({ id: packet.id, response: answer(packet.data, operatorId), isDisposed: true }),
      );
    },
  });
}
