// Fault injection under load: purchases, vehicle changes and checks keep coming while services are
// killed (SIGKILL) and restarted, nats-server is restarted and PostgreSQL is restarted (a private server
// and a private nats-server for this suite, so nothing else is touched), and messages are published
// again. Afterwards: every purchase the API accepted exists and is either active with exactly one
// charge and one receipt or failed with neither; no period was charged twice; enforcement knows
// each active agreement's current plates; enforcement's and agreement's read models equal rebuilds
// from the events; no dead letters. The short form runs in `npm test`; `npm run test:faults` (FAULTS=long) kills every process
// twice and runs longer. What was injected and checked goes to test-artifacts/faults-report-<form>.txt.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startNats, startPostgres, tempDir } from '../../deploy/local/servers.mjs';
import type { RunningServer } from '../../deploy/local/servers.d.mts';
import { startStack, type Stack } from '../../deploy/local/stack.mjs';
import { SERVICES } from '../../deploy/local/services.mjs';
import { Api, eventually } from '../support/journey.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LONG = process.env.FAULTS === 'long';
const report: string[] = [];
const say = (line: string) => {
  report.push(line);
  process.stderr.write(`[faults] ${line}\n`);
};

describe(`fault injection (${LONG ? 'long' : 'short'} form)`, () => {
  const dirs: string[] = [];
  let pgServer: RunningServer;
  let pgPort: number;
  let pgDir: string;
  let nats: RunningServer;
  let natsPort: number;
  let natsDir: string;
  let stack: Stack;
  let api: Api;

  beforeAll(async () => {
    pgDir = tempDir('parking-faults-pg-');
    natsDir = tempDir('parking-faults-nats-');
    dirs.push(pgDir, natsDir);
    // Each picks and binds its own port; restarts below ask for the same one (the services keep the URLs).
    pgServer = await startPostgres({ dataDir: path.join(pgDir, 'data') });
    nats = await startNats({ dataDir: natsDir });
    pgPort = pgServer.port;
    natsPort = nats.port;
    stack = await startStack({
      adminDatabaseUrl: pgServer.url,
      natsUrl: nats.url,
      databasePrefix: 'faults',
      env: { LOG_LEVEL: 'warn', RENEWAL_INTERVAL_MS: '0' },
      logDir: path.join(root, 'test-artifacts', 'logs', `faults-${Date.now()}`),
      readyTimeoutMs: 180_000,
    });
    api = new Api(stack.gatewayUrl);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await nats?.stop();
    await pgServer?.stop();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'test-artifacts', `faults-report-${LONG ? 'long' : 'short'}.txt`),
      `${report.join('\n')}\n`,
    );
  }, 120_000);

  const dbUrl = (service: string) => stack.service(service).databaseUrl!;
  async function query<T = any>(service: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: dbUrl(service) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const allReady = async () =>
    (await fetch(`${stack.gatewayUrl}/health/ready`).catch(() => null))?.status === 200;

  it(
    'loses and doubles nothing while processes and servers die',
    async () => {
      // The load: customers with a card (one whose charges are refused), an officer checking plates.
      const tonsberg = (await api.get('/v1/cities')).body.items.find((c: any) => c.name === 'Tønsberg');
      const location = (await api.get(`/v1/cities/${tonsberg.id}/locations`)).body.items[0];
      const zone = location.zones[0].id;
      const day = (await api.get(`/v1/locations/${location.id}/products`)).body.items.find(
        (p: any) => p.name === 'Døgnparkering',
      );
      const customers: { token: string; card: string }[] = [];
      for (const [i, psp] of ['tok_visa', 'tok_visa', 'tok_mastercard', 'tok_insufficient_funds'].entries()) {
        const token = await api.signInBySms(`+479700${String(i).padStart(4, '0')}`);
        const card = await api.post('/v1/payment-methods', { token: psp }, token);
        expect(card.status).toBe(201);
        customers.push({ token, card: card.body.id });
      }
      const officer = await api.logIn('+4790000002', 'demo-password-1');

      const accepted = new Set<string>(); // agreement ids the API answered 201/202 with
      const outcomes: Record<string, number> = {};
      const count = (what: string) => (outcomes[what] = (outcomes[what] ?? 0) + 1);
      const serverErrors: string[] = [];
      let plateNo = 0;
      let loading = true;
      const load = (async () => {
        while (loading) {
          const c = customers[plateNo % customers.length]!;
          const plate = `FI${String(++plateNo).padStart(5, '0')}`;
          try {
            const bought = await api.post(
              '/v1/agreements',
              {
                productId: day.id,
                vehicles: [{ plate }],
                acceptedTermsId: day.termsId,
                paymentMethodId: c.card,
              },
              c.token,
            );
            count(`purchase ${bought.status}`);
            if (bought.status >= 500) {
              const key = `purchase ${bought.status}: ${bought.body?.detail ?? bought.body?.title ?? ''}`;
              if (!serverErrors.includes(key)) serverErrors.push(key);
              await new Promise((r) => setTimeout(r, 100));
            }
            if (bought.body?.id && [201, 202].includes(bought.status)) accepted.add(bought.body.id);
            if (bought.status === 201 && plateNo % 3 === 0) {
              const changed = await api.call('PUT', `/v1/agreements/${bought.body.id}/vehicles`, {
                token: c.token,
                body: { vehicles: [{ plate: `FX${String(plateNo).padStart(5, '0')}` }] },
              });
              count(`vehicle change ${changed.status}`);
            }
            const checked = await api.get(`/v1/enforcement/check?plate=${plate}&zone=${zone}`, officer);
            count(`check ${checked.status}`);
          } catch {
            count('no answer');
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      })();

      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      async function killAndRestart(name: string) {
        const t0 = Date.now();
        await stack.service(name).kill('SIGKILL');
        await pause(500);
        await stack.service(name).start();
        say(`killed ${name} (SIGKILL) and restarted it: ready again after ${Date.now() - t0} ms`);
      }
      async function restartNats() {
        const t0 = Date.now();
        await nats.stop();
        await pause(500);
        nats = await startNats({ dataDir: natsDir, port: natsPort });
        await eventually(allReady, (ok) => ok, 60_000);
        say(`restarted nats-server (same store): every service ready again after ${Date.now() - t0} ms`);
      }
      async function restartPostgres() {
        const t0 = Date.now();
        await pgServer.stop();
        pgServer = await startPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort });
        await eventually(allReady, (ok) => ok, 60_000);
        say(`restarted PostgreSQL (fast shutdown): every service ready again after ${Date.now() - t0} ms`);
      }
      async function duplicateMessages() {
        // Every event published so far, once more with its own Nats-Msg-Id: JetStream must drop them all.
        const nc: NatsConnection = await connect({ servers: nats.url });
        try {
          const js = jetstream(nc);
          const consumer = await js.consumers.get('PARKING');
          const info = await consumer.info();
          let sent = 0;
          let dropped = 0;
          if (info.num_pending > 0) {
            const messages = await consumer.consume();
            for await (const m of messages) {
              const ack = await js.publish(m.subject, m.data, {
                msgID: m.headers?.get('Nats-Msg-Id'),
                headers: m.headers,
              });
              sent++;
              if (ack.duplicate) dropped++;
              if (m.info.pending === 0) break;
            }
            messages.stop();
          }
          expect(dropped).toBe(sent);
          say(`published ${sent} events again with their ids: JetStream dropped ${dropped} as duplicates`);
        } finally {
          await nc.close();
        }
      }

      const warmUp = LONG ? 5_000 : 2_000;
      await pause(warmUp);
      const victims = LONG
        ? ['identity', 'catalogue', 'agreement', 'payment-renewal', 'enforcement', 'gateway']
        : ['agreement', 'payment-renewal', 'enforcement'];
      for (let round = 1; round <= (LONG ? 2 : 1); round++) {
        for (const name of victims) {
          await killAndRestart(name);
          await pause(LONG ? 3_000 : 1_000);
        }
        await restartNats();
        await pause(LONG ? 3_000 : 1_000);
        await restartPostgres();
        await pause(LONG ? 3_000 : 1_000);
        await duplicateMessages();
      }
      loading = false;
      await load;
      say(`load: ${JSON.stringify(outcomes)}`);
      // A request that meets a dead process or server is refused (503) or, on a database error, 500: both
      // are answers the client retries; what matters is below, that nothing it was told is lost or doubled.
      for (const e of serverErrors) say(`answered during the faults: ${e}`);
      expect(accepted.size).toBeGreaterThan(0);

      // Settle: every service ready, every purchase decided, every consumer caught up.
      await eventually(allReady, (ok) => ok, 60_000);
      const pending = await eventually(
        () => query('agreement', `select id from agreements where status = 'pending_payment'`),
        (rows) => rows.length === 0,
        60_000,
      );
      expect(pending).toEqual([]);
      const nc = await connect({ servers: nats.url });
      const jsm = await jetstreamManager(nc);
      const lag = await eventually(
        async () => {
          let n = 0;
          // Durable consumers only: ephemeral ones (index feeds of killed replicas) linger unread for a while.
          for await (const c of jsm.consumers.list('PARKING'))
            if (c.config.durable_name) n += c.num_pending + c.num_ack_pending;
          return n;
        },
        (n) => n === 0,
        30_000,
      );
      await nc.close();
      expect(lag).toBe(0);

      // Nothing lost: every agreement the API accepted exists.
      const agreements = await query('agreement', 'select id, status, state from agreements');
      const byId = new Map(agreements.map((a) => [a.id, a]));
      const lost = [...accepted].filter((id) => !byId.has(id));
      expect(lost).toEqual([]);
      say(`checked: all ${accepted.size} accepted purchases exist (${agreements.length} agreements in all)`);

      // Nothing doubled: active ⇔ one charge and one receipt; failed ⇔ neither.
      const charges = await query(
        'payment-renewal',
        `select agreement_id, period_number, status from charges`,
      );
      const receipts = await query('payment-renewal', 'select agreement_id from receipts');
      const wrong: string[] = [];
      const statuses: Record<string, number> = {};
      for (const a of agreements) {
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        const paid = charges.filter((c) => c.agreement_id === a.id && c.status === 'succeeded').length;
        const issued = receipts.filter((r) => r.agreement_id === a.id).length;
        const ok =
          a.status === 'active'
            ? paid === 1 && issued === 1
            : a.status === 'failed' && paid === 0 && issued === 0;
        if (!ok) wrong.push(`${a.id}: ${a.status} with ${paid} charges and ${issued} receipts`);
      }
      expect(wrong).toEqual([]);
      expect(statuses.active).toBeGreaterThan(0);
      expect(statuses.failed).toBeGreaterThan(0);
      const doubled = await query(
        'payment-renewal',
        `select agreement_id, period_number from charges where status = 'succeeded'
       group by 1, 2 having count(*) > 1`,
      );
      expect(doubled).toEqual([]);
      const pspDoubled = await query(
        'payment-renewal',
        `select c.agreement_id from charges c join sandbox_charges s on s.idempotency_key = c.idempotency_key
       where s.status = 'succeeded' group by c.agreement_id, c.period_number having count(*) > 1`,
      );
      expect(pspDoubled).toEqual([]);
      say(
        `checked: ${JSON.stringify(statuses)}; each active agreement charged once with one receipt, each failed one never; no period charged twice`,
      );

      // Enforcement knows each active agreement's current plates.
      const validity = await query(
        'enforcement',
        'select agreement_id, status, vehicles from agreement_validity',
      );
      const enforced = new Map(validity.map((v) => [v.agreement_id, v]));
      const stale = agreements
        .filter((a) => a.status === 'active')
        .filter(
          (a) =>
            JSON.stringify(enforced.get(a.id)?.vehicles?.map((v: any) => v.plate)) !==
            JSON.stringify(a.state.vehicles.map((v: any) => v.plate)),
        )
        .map((a) => a.id);
      expect(stale).toEqual([]);

      // The read models equal rebuilds from the events.
      const rebuild = (service: string, projection: string) =>
        execFileSync(process.execPath, [path.join(root, 'tools/rebuild.mjs'), service, projection], {
          env: { ...process.env, DATABASE_URL: dbUrl(service), NATS_URL: nats.url, NODE_OPTIONS: '' },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }).trim();
      const snapshot = (service: string, table: string, key: string) =>
        query(service, `select * from ${table} order by ${key}`);
      const enforcementBefore = await snapshot('enforcement', 'agreement_validity', 'agreement_id');
      say(`rebuilt enforcement's read model: ${rebuild('enforcement', 'read-model')}`);
      expect(await snapshot('enforcement', 'agreement_validity', 'agreement_id')).toEqual(enforcementBefore);
      const agreementsBefore = await snapshot('agreement', 'agreements', 'id');
      say(`rebuilt agreement's read model: ${rebuild('agreement', 'agreements')}`);
      expect(await snapshot('agreement', 'agreements', 'id')).toEqual(agreementsBefore);
      say('checked: the enforcement and agreement read models equal their rebuilds from the events');

      // No dead letters, in any service.
      for (const s of SERVICES) {
        const dead = await query(s.name, 'select consumer, subject, error from messaging.dead_letters');
        expect([s.name, dead]).toEqual([s.name, []]);
      }
      say('checked: no dead letters in any service');
    },
    LONG ? 600_000 : 240_000,
  );
});
