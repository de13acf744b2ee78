// Recreates the read model (agreement validity, zones, operators' sanction settings) without needing the
// stream's whole history: its source is the latest event of each agreement, location and operator as
// published (`latest_events`, kept by the read model writers in the same transaction as the rows), plus
// the stream after each writer's ack floor. Everything is folded in memory (the newest version of each
// wins), then written in bulk in one transaction. The tables are locked against the live writers first,
// so nothing they acknowledged can be lost: whatever they committed is in latest_events or after the
// floor read under the lock.
//
// Until latest_events is known complete for a feed (a deployment older than it), that feed is replayed
// from the start of the stream once, and the rebuild writes latest_events whole; from then on the stream
// may have a retention limit.
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
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
  upsertLatestEvents,
  upsertOperators,
  upsertZones,
  zonesOf,
  type OperatorSettings,
  type ReadModelFeed,
} from '../projections/read-model.js';
import type { IndexedAgreement, IndexedZone } from '../projections/plate-index.js';

const WRITE_CHUNK = 5_000;
const SNAPSHOT_PAGE = 10_000;

export interface RebuildResult {
  events: number;
  /** Of `events`, how many came from the stream (the rest from latest_events). */
  fromStream: number;
  agreements: number;
  zones: number;
  operators: number;
  /** Feeds replayed from the start of the stream (latest_events was not yet complete for them). */
  replayedWhole: string[];
  ms: number;
}

export interface RebuildProgress {
  phase: 'read' | 'write' | 'done';
  handled: number;
  total: number;
  ms: number;
}

/** The durable consumer name of a feed's read model writer. */
export const writerDurable = (prefix: string, feed: string) => `${prefix}-${feed}`;

async function ackFloor(nc: NatsConnection, stream: string, durable: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  try {
    return (await jsm.consumers.info(stream, durable)).ack_floor.stream_seq;
  } catch (err) {
    if (/not found/i.test(String((err as Error).message))) return 0;
    throw err;
  }
}

/** How many messages of `subject` lie after `afterSequence` (the tail a rebuild reads). */
async function pendingAfter(nc: NatsConnection, stream: string, subject: string, afterSequence: number) {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, {
    filter_subjects: subject,
    ...(afterSequence > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterSequence + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
  return { consumer, pending: (await consumer.info()).num_pending };
}

/** Every event of one subject after `afterSequence`, in order. */
async function readTail(
  nc: NatsConnection,
  stream: string,
  subject: string,
  afterSequence: number,
  each: (e: ConsumedEvent) => void,
): Promise<number> {
  const { consumer, pending } = await pendingAfter(nc, stream, subject, afterSequence);
  if (pending === 0) return 0;
  let n = 0;
  const messages = await consumer.consume({ max_messages: 5_000 });
  for await (const m of messages) {
    each(eventOf(m));
    n++;
    if (m.info.pending === 0) break;
  }
  messages.stop();
  return n;
}

/** Every row of a feed's latest_events, page by page (keyset on the key). */
async function readSnapshot(
  tx: pg.ClientBase,
  feed: string,
  each: (e: ConsumedEvent) => void,
): Promise<number> {
  let after = '';
  let n = 0;
  for (;;) {
    const { rows } = await tx.query(
      `select key, operator_id, subject, type, stream_version, stream_seq::float8 as seq, data
         from latest_events where feed = $1 and key > $2 order by key limit $3`,
      [feed, after, SNAPSHOT_PAGE],
    );
    for (const r of rows)
      each({
        eventId: `${feed}-${r.key}`,
        type: r.type,
        subject: r.subject,
        streamId: '',
        streamVersion: r.stream_version,
        schemaVersion: 1,
        operatorId: r.operator_id,
        data: r.data,
        deliveryCount: 1,
        streamSequence: r.seq,
      });
    n += rows.length;
    if (rows.length < SNAPSHOT_PAGE) return n;
    after = rows[rows.length - 1].key;
  }
}

/**
 * agreementOf (projections/read-model.ts) in SQL, over the latest event of each agreement: keep the two
 * in step (the read model's integration test compares a rebuild with what the live writers wrote).
 */
const AGREEMENTS_FROM_LATEST_EVENTS = `
  insert into agreement_validity (operator_id, agreement_id, status, vehicles, zone_ids, valid_from, valid_to, stream_version)
  select operator_id, (s->>'agreementId')::uuid, s->>'status', s->'vehicles',
         array(select jsonb_array_elements_text(s->'zoneIds')),
         (s->>'validFrom')::timestamptz, (s->>'validTo')::timestamptz, stream_version
    from (select operator_id, stream_version, data->'snapshot' as s from latest_events where feed = $1) e
   where s is not null and jsonb_typeof(s) = 'object'`;

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
  /** The writers' durable consumer prefix (the service's CONSUMER_PREFIX). */
  consumerPrefix?: string;
  onProgress?: (p: RebuildProgress) => void;
}): Promise<RebuildResult> {
  const started = performance.now();
  const stream = deps.stream ?? PARKING_STREAM;
  const prefix = deps.consumerPrefix ?? 'enforcement';
  const feeds = readModelFeeds(deps.root);
  return inTransaction(deps.pool, async (tx) => {
    await tx.query(
      'lock table agreement_validity, zones, operators, latest_events, latest_events_state in exclusive mode',
    );
    const { rows: complete } = await tx.query<{ feed: string }>(
      'select feed from latest_events_state where complete',
    );
    const completeFeeds = new Set(complete.map((r) => r.feed));
    const { rows: counts } = await tx.query<{ feed: string; n: number }>(
      'select feed, count(*)::int as n from latest_events group by feed',
    );
    const snapshotCount = new Map(counts.map((r) => [r.feed, r.n]));

    // Where each feed's read starts, and how much there is to read (for the progress). A writer's ack
    // floor can be old when its subject has been quiet; the stream's retention only needs to exceed how
    // far the writers lag behind.
    const plans: { feed: ReadModelFeed; fromSnapshot: boolean; after: number; total: number }[] = [];
    for (const feed of Object.values(feeds)) {
      const fromSnapshot = completeFeeds.has(feed.name);
      const after = fromSnapshot ? await ackFloor(deps.nc, stream, writerDurable(prefix, feed.name)) : 0;
      const { pending } = await pendingAfter(deps.nc, stream, feed.subject, after);
      const total = pending + (fromSnapshot ? (snapshotCount.get(feed.name) ?? 0) : 0);
      plans.push({ feed, fromSnapshot, after, total });
    }
    const total = plans.reduce((s, p) => s + p.total, 0);
    let handled = 0;
    let lastReport = 0;
    const report = (phase: RebuildProgress['phase'], force = false) => {
      const now = performance.now();
      if (!force && now - lastReport < 250) return;
      lastReport = now;
      deps.onProgress?.({ phase, handled, total, ms: now - started });
    };

    const agreements = new Map<string, IndexedAgreement>();
    const zones = new Map<string, IndexedZone & { version: number }>();
    const operators = new Map<string, OperatorSettings>();
    const apply: Record<string, (e: ConsumedEvent) => void> = {
      agreements: (e) => {
        const a = agreementOf(e);
        if (a) keepNewest(agreements, a.agreementId, a);
      },
      zones: (e) => {
        for (const z of zonesOf(e)) keepNewest(zones, z.zoneId, z);
      },
      operators: (e) => {
        const o = operatorOf(e);
        if (o) keepNewest(operators, o.operatorId, o);
      },
    };
    // Emptied now, filled below: nobody sees the tables until the commit (the lock keeps the writers out).
    await tx.query('truncate agreement_validity, zones, operators');

    /** Feeds replayed whole: their latest event per key, written to latest_events at the end. */
    const latest = new Map<string, Map<string, ConsumedEvent>>();
    let fromStream = 0;
    for (const plan of plans) {
      const fold = apply[plan.feed.name];
      const keep = plan.fromSnapshot ? null : new Map<string, ConsumedEvent>();
      if (keep) latest.set(plan.feed.name, keep);
      const each = (e: ConsumedEvent) => {
        fold(e);
        handled++;
        report('read');
      };
      if (plan.fromSnapshot && plan.feed.name === 'agreements') {
        // The bulk of a rebuild, done where the rows are: one statement instead of a round trip of
        // every agreement through this process (the tail after the floor goes through agreementOf).
        const { rowCount } = await tx.query(AGREEMENTS_FROM_LATEST_EVENTS, [plan.feed.name]);
        handled += rowCount ?? 0;
        report('read', true);
      } else if (plan.fromSnapshot) await readSnapshot(tx, plan.feed.name, each);
      fromStream += await readTail(deps.nc, stream, plan.feed.subject, plan.after, (e) => {
        each(e);
        const key = keep ? plan.feed.key(e) : null;
        if (keep && key !== null) {
          const held = keep.get(key);
          if (!held || held.streamVersion <= e.streamVersion) keep.set(key, e);
        }
      });
    }
    report('write', true);

    const all = [...agreements.values()];
    for (let i = 0; i < all.length; i += WRITE_CHUNK) {
      await upsertAgreements(tx, all.slice(i, i + WRITE_CHUNK));
      report('write');
    }
    await upsertZones(tx, [...zones.values()]);
    await upsertOperators(tx, [...operators.values()]);
    for (const [feed, events] of latest) {
      await tx.query('delete from latest_events where feed = $1', [feed]);
      const list = [...events.values()];
      for (let i = 0; i < list.length; i += WRITE_CHUNK)
        await upsertLatestEvents(
          tx,
          feed,
          list.slice(i, i + WRITE_CHUNK),
          feeds[feed as keyof typeof feeds].key,
        );
      await tx.query(
        `insert into latest_events_state (feed, complete) values ($1, true)
         on conflict (feed) do update set complete = true`,
        [feed],
      );
    }
    const ms = performance.now() - started;
    deps.onProgress?.({ phase: 'done', handled, total: Math.max(total, handled), ms });
    const { rows: written } = await tx.query<{ n: number }>(
      'select count(*)::int as n from agreement_validity',
    );
    return {
      events: handled,
      fromStream,
      agreements: written[0].n,
      zones: zones.size,
      operators: operators.size,
      replayedWhole: [...latest.keys()],
      ms,
    };
  });
}
