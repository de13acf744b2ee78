// Exactly once per period under a crash and with several replicas: a process killed in the middle of a
// run (cards charged, nothing recorded yet) and a run after it charge each period once, with one
// receipt and one event; two runs at once share the due renewals without charging any twice; receipt
// numbers stay gap-free.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runRenewals } from './run-renewals.js';
import { activeAgreement, harness, type AgreementFixture, type Harness } from './renewals.test-helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const dist = (p: string) => path.join(root, p);

/** A separate process running the renewal run from the built service, its PSP slowed down. */
function runInChild(h: Harness, asOf: Date) {
  const script = `
    import pg from '${dist('node_modules/pg/lib/index.js')}';
    import { connect } from '@nats-io/transport-node';
    import { PostgresEventStore } from '${dist('libs/event-store/dist/index.js')}';
    import { RpcClient } from '${dist('libs/messaging/dist/index.js')}';
    import { createLogger, fixedClock } from '${dist('libs/platform/dist/index.js')}';
    import { SandboxPsp } from '${dist('services/payment-renewal/dist/psp/sandbox-psp.js')}';
    import { OperatorDirectory } from '${dist('services/payment-renewal/dist/operators/operator-directory.js')}';
    import { runRenewals } from '${dist('services/payment-renewal/dist/commands/running-renewals/run-renewals.js')}';
    const pool = new pg.Pool({ connectionString: process.env.DB, max: 20 });
    const nc = await connect({ servers: process.env.NATS });
    const sandbox = new SandboxPsp(pool);
    const psp = Object.assign(Object.create(sandbox), {
      charge: async (i) => { await new Promise((r) => setTimeout(r, 10)); return sandbox.charge(i); },
    });
    const operator = { id: process.env.OP, name: 'Demo Parkering AS', organisationNumber: '1', address: 'a' };
    const deps = { config: { NODE_ENV: 'test' }, logger: createLogger({ name: 'child', level: 'silent' }), pool,
      store: new PostgresEventStore(pool), rpc: new RpcClient(nc), clock: fixedClock(new Date(process.env.AS_OF)),
      nc, psp, operators: new OperatorDirectory(async () => ({ items: [operator], defaultOperatorId: operator.id })) };
    await runRenewals(deps, { operatorId: process.env.OP, asOf: new Date(process.env.AS_OF) });
    process.exit(0);`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DB: h.db.url,
      NATS: process.env.TEST_NATS_URL,
      OP: h.operatorId,
      AS_OF: asOf.toISOString(),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

describe('exactly once per period', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  const seed = async (n: number, validTo: Date) => {
    const list: AgreementFixture[] = [];
    for (let i = 0; i < n; i++) list.push(await activeAgreement(h, { validTo }));
    return list;
  };
  const count = async (sql: string) => (await h.db.pool.query(sql, [h.operatorId])).rows[0].n as number;
  const perPeriod = async (ids: string[]) =>
    (
      await h.db.pool.query(
        `select a.id,
           (select count(*) from sandbox_charges where idempotency_key = a.id::text || ':2')::int as psp,
           (select count(*) from receipts r where r.agreement_id = a.id)::int as receipts,
           (select count(*) from es.events e
            where e.data->>'agreementId' = a.id::text and e.event_type = 'ChargeSucceeded')::int as events
         from unnest($1::uuid[]) as a(id)`,
        [ids],
      )
    ).rows;

  it('charges each period once when a run is killed in the middle and run again', async () => {
    const validTo = new Date('2027-03-01T23:00:00Z');
    const agreements = await seed(1000, validTo);
    const asOf = new Date(validTo.getTime() - 72 * 3_600_000);
    const child = runInChild(h, asOf);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));

    // Kill it while cards are being charged and before their batch is recorded.
    let charged = 0;
    for (let i = 0; i < 2_000 && charged < 300; i++) {
      await new Promise((r) => setTimeout(r, 5));
      charged = await count(
        `select count(*)::int as n from sandbox_charges s join renewals r on s.idempotency_key = r.agreement_id || ':2'
         where r.operator_id = $1`,
      );
      if (child.exitCode !== null) break;
    }
    child.kill('SIGKILL');
    await exited;
    expect(stderr).toBe('');
    const receiptsAtKill = await count('select count(*)::int as n from receipts where operator_id = $1');
    expect(charged).toBeGreaterThanOrEqual(300);
    expect(receiptsAtKill).toBeLessThan(charged); // money moved that no receipt records yet

    const again = await runRenewals(h.deps, { operatorId: h.operatorId, asOf });
    expect(again.charged).toBe(1000 - receiptsAtKill);
    const rows = await perPeriod(agreements.map((a) => a.agreementId));
    expect(rows.filter((r) => r.psp !== 1 || r.receipts !== 1 || r.events !== 1)).toEqual([]);
    const numbers = (
      await h.db.pool.query('select number from receipts where operator_id = $1 order by number', [
        h.operatorId,
      ])
    ).rows.map((r) => Number(r.number));
    expect(numbers).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect((await runRenewals(h.deps, { operatorId: h.operatorId, asOf })).charged).toBe(0);
  }, 120_000);

  it('lets two runs at once take each due renewal once', async () => {
    const validTo = new Date('2027-04-01T22:00:00Z');
    const agreements = await seed(600, validTo);
    const asOf = new Date(validTo.getTime() - 72 * 3_600_000);
    const before = await count('select count(*)::int as n from receipts where operator_id = $1');
    const runs = await Promise.all([
      runRenewals(h.deps, { operatorId: h.operatorId, asOf, batchSize: 50 }),
      runRenewals(h.deps, { operatorId: h.operatorId, asOf, batchSize: 50 }),
    ]);
    expect(runs[0].charged + runs[1].charged).toBe(600);
    expect(runs[0].charged).toBeGreaterThan(0);
    expect(runs[1].charged).toBeGreaterThan(0);
    const rows = await perPeriod(agreements.map((a) => a.agreementId));
    expect(rows.filter((r) => r.psp !== 1 || r.receipts !== 1 || r.events !== 1)).toEqual([]);
    const numbers = (
      await h.db.pool.query(
        'select number from receipts where operator_id = $1 and number > $2 order by number',
        [h.operatorId, before],
      )
    ).rows.map((r) => Number(r.number));
    expect(numbers).toEqual(Array.from({ length: 600 }, (_, i) => before + i + 1));
  }, 120_000);
});
