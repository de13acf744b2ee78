// Crypto-shredding: personal data inside events is sealed (AES-256-GCM) with a key of its own per
// person, kept in `personal_data_keys`, outside the event log. Erasing a person deletes the key, and
// every copy of their events (replicas, backups of the log, JetStream) becomes unreadable.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { PERSONAL_FIELDS, type UserEvent } from '../domain/user.js';

const PREFIX = 'pii:v1:';

export type PersonalKey = Buffer;

export function seal(key: PersonalKey, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** The plain text, or null when the key is gone (the person was erased). */
export function open(key: PersonalKey | null, sealed: string): string | null {
  if (!sealed.startsWith(PREFIX)) throw new Error('not sealed personal data');
  if (!key) return null;
  const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export const isSealed = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(PREFIX);

/** The person's key, created with their first event (serialised by the primary key). */
export async function personalKey(db: pg.PoolClient, userId: string): Promise<PersonalKey> {
  await db.query(
    'insert into personal_data_keys (user_id, data_key) values ($1, $2) on conflict do nothing',
    [userId, randomBytes(32)],
  );
  const { rows } = await db.query('select data_key from personal_data_keys where user_id = $1', [userId]);
  return rows[0].data_key as Buffer;
}

export async function existingKey(db: pg.Pool | pg.PoolClient, userId: string): Promise<PersonalKey | null> {
  const { rows } = await db.query('select data_key from personal_data_keys where user_id = $1', [userId]);
  return (rows[0]?.data_key as Buffer | undefined) ?? null;
}

export async function destroyKey(db: pg.PoolClient, userId: string): Promise<void> {
  await db.query('delete from personal_data_keys where user_id = $1', [userId]);
}

/** The event as it goes into the log: its personal fields sealed. */
export function sealEvent(key: PersonalKey, event: UserEvent): UserEvent {
  const fields = PERSONAL_FIELDS[event.type];
  if (!fields) return event;
  const data: Record<string, unknown> = { ...event.data };
  for (const f of fields) if (typeof data[f] === 'string') data[f] = seal(key, data[f] as string);
  return { ...event, data } as UserEvent;
}

/** The event as read back: personal fields opened, or null once the key is destroyed. */
export function openEvent(key: PersonalKey | null, event: UserEvent): UserEvent {
  const fields = PERSONAL_FIELDS[event.type];
  if (!fields) return event;
  const data: Record<string, unknown> = { ...event.data };
  for (const f of fields) if (isSealed(data[f])) data[f] = open(key, data[f] as string);
  return { ...event, data } as UserEvent;
}
