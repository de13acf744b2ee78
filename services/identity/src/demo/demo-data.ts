// Dev-mode demo data (API.md "Dev mode and demo data"): both operators, their staff and devices.
// Loaded at every start, changing nothing the second time.
import { randomUUID } from 'node:crypto';
import { DEMO_OPERATORS } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import { hashSecret } from '../tokens/secret-hashing.js';
import { DEVICE_STREAM } from '../commands/devices.js';
import { ensureUser, runUserCommand } from '../commands/users.js';
import type { Deps } from '../deps.js';
import type { OperatorRole } from '../domain/user.js';
import { defaultOperator, ensureOperator } from '../operators/operators.js';

const DEMO_PASSWORD = 'demo-password-1';

const fjord: Operator = {
  id: DEMO_OPERATORS.fjord.id,
  slug: 'fjord',
  name: DEMO_OPERATORS.fjord.name,
  organisationNumber: '888 888 888',
  address: 'Strandkaien 2, 5013 Bergen',
  hosts: [...DEMO_OPERATORS.fjord.hosts],
  smsSender: 'FjordPark',
  psp: { provider: 'sandbox', account: 'sandbox-fjord' },
  sanction: { amount: { amount: 70000, currency: 'NOK' }, dueDays: 14 },
  supportPhone: '+47 55 00 00 00',
  supportEmail: 'kundeservice@fjord.localhost',
};

const STAFF: { phone: string; operatorId: string | null; role: OperatorRole | 'platform' }[] = [
  { phone: '+4790000001', operatorId: DEMO_OPERATORS.demo.id, role: 'operator' },
  { phone: '+4790000002', operatorId: DEMO_OPERATORS.demo.id, role: 'officer' },
  { phone: '+4790000003', operatorId: DEMO_OPERATORS.fjord.id, role: 'officer' },
  { phone: '+4790000004', operatorId: DEMO_OPERATORS.fjord.id, role: 'operator' },
  { phone: '+4790000009', operatorId: null, role: 'platform' },
];

export async function loadDemoData(deps: Pick<Deps, 'pool' | 'store' | 'config'>): Promise<void> {
  const { pool, store, config } = deps;
  await ensureOperator(pool, store, {
    ...defaultOperator('demo'),
    smsSender: 'DemoPark',
    psp: { provider: 'sandbox', account: 'sandbox-demo' },
  });
  await ensureOperator(pool, store, fjord);
  const system = { kind: 'system' as const, id: 'demo-data' };
  // One hash for the one demo password (argon2id is slow on purpose).
  let demoHash: Promise<string> | null = null;
  for (const s of STAFF) {
    const operatorId = s.operatorId ?? DEMO_OPERATORS.demo.id;
    const user = await ensureUser(deps, s.phone, operatorId, []);
    const metadata = { operatorId, actor: system };
    if (!user.password_hash) {
      demoHash ??= hashSecret(DEMO_PASSWORD);
      await runUserCommand(deps, user.id, { type: 'SetPassword', passwordHash: await demoHash }, metadata);
    }
    if (s.role === 'platform') await runUserCommand(deps, user.id, { type: 'GrantPlatform' }, metadata);
    else await runUserCommand(deps, user.id, { type: 'GrantRole', operatorId, role: s.role }, metadata);
  }
  const devices = [
    {
      clientId: 'demo-camera',
      operatorId: DEMO_OPERATORS.demo.id,
      secret: config.DEMO_DEVICE_SECRET,
      name: 'Demo camera',
    },
    {
      clientId: 'fjord-camera',
      operatorId: DEMO_OPERATORS.fjord.id,
      secret: config.FJORD_DEVICE_SECRET,
      name: 'Fjord camera',
    },
  ];
  for (const d of devices) {
    const exists = await pool.query('select 1 from devices where client_id = $1', [d.clientId]);
    if (exists.rowCount) continue;
    const id = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('begin');
      const inserted = await client.query(
        `insert into devices (id, operator_id, client_id, name, secret_hash) values ($1, $2, $3, $4, $5)
         on conflict do nothing`,
        [id, d.operatorId, d.clientId, d.name, await hashSecret(d.secret)],
      );
      if (inserted.rowCount)
        await store.append(
          `${DEVICE_STREAM}${id}`,
          [
            {
              type: 'DeviceRegistered',
              data: { deviceId: id, clientId: d.clientId, name: d.name, zoneIds: null },
              metadata: { operatorId: d.operatorId, actor: system },
            },
          ],
          { expectedVersion: 'no_stream', streamType: 'device', client },
        );
      await client.query('commit');
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
