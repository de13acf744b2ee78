// Recreates the read model from the events in the stream: every agreement, location and operator
// event folded in memory (the newest version of each wins), then written in bulk in one transaction.
// The tables are locked against the live writers first, so nothing they acknowledged can be lost:
// whatever they wrote before the lock is in the stream this reads to its end.
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { PARKING_STREAM, type ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import { inTransaction } from '../db.js';
import { eventOf } from '../projections/jetstream-events.js';
import {
  agreementOf,
  operatorOf,
  readModelFeeds,
  upsertAgreements,
  upsertOperators,
  upsertZones,
  zonesOf,
  type OperatorSettings,
} from '../projections/read-model.js';
import type { IndexedAgreement, IndexedZone } from '../projections/plate-index.js';

const WRITE_CHUNK = 5_000;

export interface RebuildResult {
  events: number;
  agreements: number;
  zones: number;
  operators: number;
  ms: number;
}

/** Every event of one subject from the start of the stream, in order. */
async function readAll(
  nc: NatsConnection,
  stream: string,
  subject: string,
  each: (e: ConsumedEvent) => void,
): Promise<number> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.All,
  });
  const info = await consumer.info();
  if (info.num_pending === 0) return 0;
  let n = 0;
  const messages = await consumer.consume({ max_messages: 2_000 });
  for await (const m of messages) {
    each(eventOf(m));
    n++;
    if (m.info.pending === 0) break;
  }
  messages.stop();
  return n;
}

function keepNewest<T extends { version: number }>(map: Map<string, T>, key: string, item: T) {
  const held = map.get(key);
  if (!held || held.version < item.version) map.set(key, item);
}

export async function rebuildReadModel(deps: {
  pool: pg.Pool;
  nc: NatsConnection;
  /** Tests use a stream and subject root of their own. */
  stream?: string;
  root?: string;
}): Promise<RebuildResult> {
  const started = performance.now();
  const stream = deps.stream ?? PARKING_STREAM;
  const feeds = readModelFeeds(deps.root);
  return inTransaction(deps.pool, async (tx) => {
    await tx.query('lock table agreement_validity, zones, operators in exclusive mode');
    const agreements = new Map<string, IndexedAgreement>();
    const zones = new Map<string, IndexedZone & { version: number }>();
    const operators = new Map<string, OperatorSettings>();
    let events = 0;
    events += await readAll(deps.nc, stream, feeds.agreements.subject, (e) => {
      const a = agreementOf(e);
      if (a) keepNewest(agreements, a.agreementId, a);
    });
    events += await readAll(deps.nc, stream, feeds.zones.subject, (e) => {
      for (const z of zonesOf(e)) keepNewest(zones, z.zoneId, z);
    });
    events += await readAll(deps.nc, stream, feeds.operators.subject, (e) => {
      const o = operatorOf(e);
      if (o) keepNewest(operators, o.operatorId, o);
    });
    await tx.query('truncate agreement_validity, zones, operators');
    const all = [...agreements.values()];
    for (let i = 0; i < all.length; i += WRITE_CHUNK)
      await upsertAgreements(tx, all.slice(i, i + WRITE_CHUNK));
    await upsertZones(tx, [...zones.values()]);
    await upsertOperators(tx, [...operators.values()]);
    return {
      events,
      agreements: agreements.size,
      zones: zones.size,
      operators: operators.size,
      ms: performance.now() - started,
    };
  });
}
