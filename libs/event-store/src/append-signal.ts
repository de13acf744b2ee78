// Wakes readers after an append without putting NOTIFY inside the writing transaction (a NOTIFY makes
// every notifying commit take one server-wide lock, in turn: it cost 60 % of append throughput here).
// Readers in this process are woken at once; other processes get one NOTIFY per few milliseconds and
// per database, sent outside any transaction; polling remains the fallback.
import { EventEmitter } from 'node:events';
import type pg from 'pg';

const local = new EventEmitter();
local.setMaxListeners(0);

const DEBOUNCE_MS = 25;
// Keyed by pool (one database each), then channel: a burst on one database must not swallow another's.
const pendingNotify = new WeakMap<pg.Pool, Map<string, NodeJS.Timeout>>();

export function onAppended(channel: string, listener: () => void): () => void {
  local.on(channel, listener);
  return () => local.off(channel, listener);
}

/** Events were committed on `channel` of `pool`'s database: wake local readers now, remote ones shortly. */
export function signalAppended(pool: pg.Pool, channel: string): void {
  local.emit(channel);
  let pending = pendingNotify.get(pool);
  if (!pending) pendingNotify.set(pool, (pending = new Map()));
  if (pending.has(channel)) return;
  const timer = setTimeout(() => {
    pending.delete(channel);
    pool.query('select pg_notify($1, $2)', [channel, '']).catch(() => {
      /* polling covers a lost wake-up (and a pool already ended) */
    });
  }, DEBOUNCE_MS);
  timer.unref();
  pending.set(channel, timer);
}
