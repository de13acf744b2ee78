// Dev-mode demo data (API.md "Dev mode and demo data"): both operators, their staff and devices.
// Loaded at every start, changing nothing the second time.
import { randomUUID } from 'node:crypto';
import { DEMO_OPERATORS, type Role } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import argon2 from 'argon2';
import type pg from 'pg';
import type { Config } from '../config.js';
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
};

const STAFF: { phone: string; operatorId: string | null; role: Role }[] = [
  { phone: '+4790000001', operatorId: DEMO_OPERATORS.demo.id, role: 'operator' },
  { phone: '+4790000002', operatorId: DEMO_OPERATORS.demo.id, role: 'officer' },
  { phone: '+4790000003', operatorId: DEMO_OPERATORS.fjord.id, role: 'officer' },
  { phone: '+4790000004', operatorId: DEMO_OPERATORS.fjord.id, role: 'operator' },
  { phone: '+4790000009', operatorId: null, role: 'platform' },
];

export async function loadDemoData(pool: pg.Pool, config: Config): Promise<void> {
  await ensureOperator(pool, {
    ...defaultOperator('demo'),
    smsSender: 'DemoPark',
    psp: { provider: 'sandbox', account: 'sandbox-demo' },
  });
  await ensureOperator(pool, fjord);
  const passwordHash = await argon2.hash(DEMO_PASSWORD, { type: argon2.argon2id });
  for (const s of STAFF) {
    await pool.query(
      `insert into users (id, phone, password_hash, platform) values ($1, $2, $3, $4) on conflict (phone) do nothing`,
      [randomUUID(), s.phone, passwordHash, s.role === 'platform'],
    );
    if (!s.operatorId) continue;
    await pool.query(
      `insert into memberships (user_id, operator_id, roles)
       select id, $2, array['customer', $3] from users where phone = $1 on conflict do nothing`,
      [s.phone, s.operatorId, s.role],
    );
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
    await pool.query(
      `insert into devices (id, operator_id, client_id, name, secret_hash) values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [
        randomUUID(),
        d.operatorId,
        d.clientId,
        d.name,
        await argon2.hash(d.secret, { type: argon2.argon2id }),
      ],
    );
  }
}
