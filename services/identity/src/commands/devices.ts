// Devices: machine credentials (ANPR cameras, handhelds) an operator's admins create, list, rotate and
// revoke. The secret is shown once and stored only hashed; every change is an event with its actor.
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  createDeviceSchema,
  deviceIdSchema,
  type CreatedDevice,
  type Device,
} from '@parking/contracts/identity';
import { inTransaction } from '@parking/event-store';
import type pg from 'pg';
import type { Deps } from '../deps.js';
import { hashSecret } from '../tokens/secret-hashing.js';
import { actorOf, requireRole } from './actor.js';

export const DEVICE_STREAM = 'device-';

const newSecret = () => randomBytes(32).toString('base64url');

export async function createDevice(deps: Deps, input: unknown, ctx: RequestContext): Promise<CreatedDevice> {
  requireRole(ctx, 'operator');
  const { name, zoneIds } = parseOrThrow(createDeviceSchema, input);
  const id = randomUUID();
  const clientId = `dev-${randomBytes(9).toString('base64url')}`;
  const clientSecret = newSecret();
  const secretHash = await hashSecret(clientSecret);
  const zones = zoneIds?.length ? [...new Set(zoneIds)] : null;
  await inTransaction(deps.pool, async (client) => {
    await client.query(
      `insert into devices (id, operator_id, client_id, name, secret_hash, zone_ids) values ($1, $2, $3, $4, $5, $6)`,
      [id, ctx.operatorId, clientId, name, secretHash, zones],
    );
    await deps.store.append(
      `${DEVICE_STREAM}${id}`,
      [
        {
          type: 'DeviceRegistered',
          data: { deviceId: id, clientId, name, zoneIds: zones },
          metadata: { operatorId: ctx.operatorId, actor: actorOf(ctx) },
        },
      ],
      { expectedVersion: 'no_stream', streamType: 'device', client },
    );
  });
  return { id, clientId, clientSecret, zoneIds: zones };
}

export async function listDevices(deps: Deps, ctx: RequestContext): Promise<{ items: Device[] }> {
  requireRole(ctx, 'operator');
  const { rows } = await deps.pool.query(
    `select id, client_id, name, zone_ids, created_at, revoked_at from devices
     where operator_id = $1 order by created_at, client_id`,
    [ctx.operatorId],
  );
  return {
    items: rows.map((r) => ({
      id: r.id,
      clientId: r.client_id,
      name: r.name,
      zoneIds: r.zone_ids,
      createdAt: r.created_at.toISOString(),
      revoked: r.revoked_at !== null,
    })),
  };
}

async function ownDevice(client: pg.PoolClient, deviceId: string, operatorId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(deviceId)) throw new AppError('NOT_FOUND', 'No such device');
  const { rows } = await client.query('select * from devices where id = $1 and operator_id = $2 for update', [
    deviceId,
    operatorId,
  ]);
  if (!rows[0]) throw new AppError('NOT_FOUND', 'No such device');
  return rows[0] as { id: string; client_id: string; revoked_at: Date | null };
}

export async function rotateDeviceSecret(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<{ clientId: string; clientSecret: string }> {
  requireRole(ctx, 'operator');
  const { deviceId } = parseOrThrow(deviceIdSchema, input);
  const clientSecret = newSecret();
  const secretHash = await hashSecret(clientSecret);
  return inTransaction(deps.pool, async (client) => {
    const device = await ownDevice(client, deviceId, ctx.operatorId);
    if (device.revoked_at) throw new AppError('CONFLICT', 'The device is revoked');
    await client.query('update devices set secret_hash = $2, secret_rotated_at = now() where id = $1', [
      deviceId,
      secretHash,
    ]);
    await deps.store.append(
      `${DEVICE_STREAM}${deviceId}`,
      [
        {
          type: 'DeviceSecretRotated',
          data: { deviceId },
          metadata: { operatorId: ctx.operatorId, actor: actorOf(ctx) },
        },
      ],
      { expectedVersion: 'any', streamType: 'device', client },
    );
    return { clientId: device.client_id, clientSecret };
  });
}

/** Revokes a device: no new tokens, and the gateway refuses its live ones as soon as it hears. */
export async function revokeDevice(
  deps: Deps,
  input: unknown,
  ctx: RequestContext,
): Promise<Record<string, never>> {
  requireRole(ctx, 'operator');
  const { deviceId } = parseOrThrow(deviceIdSchema, input);
  await inTransaction(deps.pool, async (client) => {
    const device = await ownDevice(client, deviceId, ctx.operatorId);
    if (device.revoked_at) return;
    const revokedAt = deps.clock.now();
    await client.query('update devices set revoked_at = $2 where id = $1', [deviceId, revokedAt]);
    await deps.store.append(
      `${DEVICE_STREAM}${deviceId}`,
      [
        {
          type: 'DeviceRevoked',
          data: { deviceId, revokedAt: revokedAt.toISOString() },
          metadata: { operatorId: ctx.operatorId, actor: actorOf(ctx) },
        },
      ],
      { expectedVersion: 'any', streamType: 'device', client },
    );
  });
  return {};
}

/** Devices revoked recently enough that tokens issued before may still be alive. */
export async function revokedDevices(deps: Deps): Promise<{ deviceIds: string[] }> {
  const { rows } = await deps.pool.query(
    `select id from devices where revoked_at > now() - make_interval(secs => $1)`,
    [deps.config.ACCESS_TOKEN_TTL_SECONDS + 60],
  );
  return { deviceIds: rows.map((r) => r.id) };
}
