// The event store on PostgreSQL: one-statement appends with an expected version, stream reads, and
// the global reader that returns events in commit order and only from finished transactions.
import { randomUUID } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { AppError, isAppError } from '@parking/contracts';
import type pg from 'pg';
import { signalAppended } from './append-signal.js';
import { appendDuration, appendedTotal } from './metrics.js';
import type {
  AppendResult,
  Checkpoint,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  RecordedEvent,
  Upcaster,
} from './types.js';

export const DEFAULT_NOTIFY_CHANNEL = 'es_events';
/** How often an `any` append re-reads the version after losing a race before it gives up. */
const ANY_RETRIES = 5;
const tracer = trace.getTracer('event-store');

// One statement per append; for the usual case (one event onto an existing stream) a single-row
// INSERT. A stream's version is its last event's, and the unique (stream_id, stream_version) index is
// the guard: an event at version v goes in only where the stream has a committed event at v - 1 (a new
// stream needs none) and nothing holds v yet. A racing writer of the same version waits on the other's
// index entry and, once that commits, inserts nothing (`on conflict do nothing`: a caller's
// transaction stays usable); no row back means another writer got there first. Of several events, the
// first is placed that way and the others only if it was: whoever holds a stream's next version holds
// the ones after it (nobody else can place v + 1 before v is committed). A new stream also gets its
// es.streams row (its type), in the same statement.
// One variant per case (create or not, one event or several, standalone or in a caller's transaction),
// each with only the parameters it uses, named, so prepared once per connection.
type AppendShape = { create: boolean; single: boolean; inTransaction: boolean };
type AppendParam =
  'streamId' | 'expected' | 'streamType' | 'ids' | 'types' | 'schemas' | 'data' | 'metadata' | 'channel';

const EVENT_COLUMNS = 'event_id, stream_id, stream_version, event_type, schema_version, data, metadata';

function appendSql({ create, single, inTransaction }: AppendShape): string {
  // The first (or only) event: at the expected version + 1, where the expected version is there.
  const first = single
    ? `select :ids::uuid, :streamId::text, :expected::int + 1, :types::text, :schemas::int, :data::jsonb,
              :metadata::jsonb`
    : `select (:ids::uuid[])[1], :streamId::text, :expected::int + 1, (:types::text[])[1],
              (:schemas::int[])[1], (:data::jsonb[])[1], (:metadata::jsonb[])[1]`;
  const guard = create
    ? ''
    : `where exists (select 1 from es.events where stream_id = :streamId::text and stream_version = :expected::int)`;
  const insertFirst = `insert into es.events (${EVENT_COLUMNS})
      ${first}
      ${guard}
      on conflict (stream_id, stream_version) do nothing`;
  // Inside a caller's transaction the events become readable only at its commit, so the NOTIFY goes
  // with it (PostgreSQL sends equal ones once per transaction); a standalone append commits at once
  // and signals out of band (append-signal.ts).
  const notify = inTransaction ? `, pg_notify(:channel::text, :streamId::text) is null as notified` : '';
  if (single && !create)
    return `${insertFirst}
      returning global_position::text, transaction_id::text, created_at${notify}`;
  const returning = 'returning global_position, transaction_id, stream_version, created_at';
  const stream = create
    ? `stream as (insert into es.streams (stream_id, stream_type) values (:streamId::text, :streamType::text)
                  on conflict do nothing),`
    : '';
  // No `on conflict` for the rest: nobody can hold them (see above); if anyone did, this fails whole.
  const rest = single
    ? ''
    : `, rest as (
      insert into es.events (${EVENT_COLUMNS})
      select e.event_id, :streamId::text, :expected::int + e.ord::int, e.event_type, e.schema_version,
             e.data, e.metadata
      from unnest(:ids::uuid[], :types::text[], :schemas::int[], :data::jsonb[], :metadata::jsonb[])
        with ordinality as e(event_id, event_type, schema_version, data, metadata, ord)
      where e.ord > 1 and exists (select 1 from first)
      ${returning})`;
  return `with ${stream} first as (${insertFirst} ${returning})${rest}
    select global_position::text, transaction_id::text, created_at${notify}
    from (select * from first${single ? '' : ' union all select * from rest'}) as inserted
    order by stream_version`;
}

const APPEND_STATEMENTS = new Map<string, { name: string; text: string; params: AppendParam[] }>();
/** The statement of a shape, its `:name` placeholders numbered in order of first use. */
function appendStatement(shape: AppendShape): { name: string; text: string; params: AppendParam[] } {
  const name = `es_append_${shape.create ? 'create' : 'move'}_${shape.single ? 'one' : 'many'}${shape.inTransaction ? '_tx' : ''}`;
  let statement = APPEND_STATEMENTS.get(name);
  if (!statement) {
    const params: AppendParam[] = [];
    const text = appendSql(shape).replace(/:([a-zA-Z]+)(?=::)/g, (_, p: AppendParam) => {
      if (!params.includes(p)) params.push(p);
      return `$${params.indexOf(p) + 1}`;
    });
    APPEND_STATEMENTS.set(name, (statement = { name, text, params }));
  }
  return statement;
}

const COLUMNS = `global_position::text, transaction_id::text, event_id, e.stream_id, s.stream_type, stream_version,
  event_type, schema_version, data, metadata, created_at`;
const READ_STREAM = {
  name: 'es_read_stream',
  text: `select ${COLUMNS} from es.events e join es.streams s using (stream_id)
         where e.stream_id = $1 and stream_version between $2 and $3 order by stream_version`,
};
// A row is returned only when every transaction older than the oldest one still running has ended,
// so nothing can later commit behind the returned positions (xids are cluster-wide: any database's
// open transaction holds this back, which is why transactions must stay short).
const READ_ALL = {
  name: 'es_read_all',
  text: `select ${COLUMNS} from es.events e join es.streams s using (stream_id)
         where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
           and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         -- qualified: the bare names would sort by the text columns selected above ('1000' < '999')
         order by e.transaction_id, e.global_position
         limit $3`,
};

export interface PostgresEventStoreOptions {
  /** Per event type: turns a stored (older) shape into the current one. */
  upcasters?: Record<string, Upcaster>;
  notifyChannel?: string;
  /** Current schema version per event type (default 1): written on append; an upcaster runs only on older ones. */
  schemaVersions?: Record<string, number>;
}

type Queryable = pg.Pool | pg.PoolClient;

export class PostgresEventStore implements EventStore {
  readonly notifyChannel: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.notifyChannel = options.notifyChannel ?? DEFAULT_NOTIFY_CHANNEL;
  }

  /**
   * Appends at the expected version, or throws CONFLICT. With `client`, the append joins the caller's
   * open transaction (and becomes visible, and wakes readers, at its commit). A duplicate event id is
   * also a CONFLICT: a retried append with the same ids never records a second copy.
   */
  async append(
    streamId: string,
    events: NewEvent[],
    options: { expectedVersion: ExpectedVersion; streamType?: string; client?: pg.PoolClient },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new AppError('INTERNAL', `nothing to append to ${streamId}`);
    const ev = options.expectedVersion;
    if (typeof ev === 'number' && !(Number.isInteger(ev) && ev >= 0))
      throw new AppError('INTERNAL', `expected version ${ev} of ${streamId} is not a version`);
    const streamType = options.streamType ?? streamId.split('-')[0];
    return tracer.startActiveSpan(`es append ${streamType}`, async (span) => {
      span.setAttributes({ 'es.stream_id': streamId, 'es.events': events.length });
      const timer = appendDuration.startTimer();
      try {
        const db = options.client ?? this.pool;
        for (let attempt = 0; ; attempt++) {
          // `any` reads the version and then takes the same guarded path as an exact version.
          const expected =
            ev === 'any' ? await this.currentVersion(db, streamId) : ev === 'no_stream' ? 0 : ev;
          try {
            const result = await this.appendAt(db, streamId, streamType, expected, events);
            appendedTotal.inc({ stream_type: streamType }, events.length);
            return result;
          } catch (err) {
            if (ev === 'any' && attempt < ANY_RETRIES && this.lostRace(err, !!options.client)) continue;
            throw err;
          }
        }
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        timer();
        span.end();
      }
    });
  }

  /**
   * Whether an `any` append may re-read and try again: it lost to another writer, and (inside a
   * caller's transaction) without an error that aborted that transaction. A duplicate event id is
   * never retried: the event is already recorded.
   */
  private lostRace(err: unknown, inTransaction: boolean): boolean {
    if (!isAppError(err) || err.code !== 'CONFLICT') return false;
    const constraint = (err.data as { constraint?: string } | undefined)?.constraint;
    if (constraint === undefined) return true;
    return !inTransaction && constraint !== 'events_event_id_key';
  }

  private async currentVersion(db: Queryable, streamId: string): Promise<number> {
    const { rows } = await db.query({
      name: 'es_stream_version',
      text: `select stream_version from es.events where stream_id = $1
             order by stream_version desc limit 1`,
      values: [streamId],
    });
    return rows[0]?.stream_version ?? 0;
  }

  private async appendAt(
    db: Queryable,
    streamId: string,
    streamType: string,
    expected: number,
    events: NewEvent[],
  ): Promise<AppendResult> {
    const single = events.length === 1;
    const ids = events.map((e) => e.eventId ?? randomUUID());
    const schemaVersions = events.map((e) => e.schemaVersion ?? this.options.schemaVersions?.[e.type] ?? 1);
    const data = events.map((e) => JSON.stringify(e.data ?? null));
    const metadata = events.map((e) => JSON.stringify(e.metadata));
    const standalone = db === this.pool;
    const statement = appendStatement({ create: expected === 0, single, inTransaction: !standalone });
    const value = (param: AppendParam): unknown => {
      switch (param) {
        case 'streamId':
          return streamId;
        case 'expected':
          return expected;
        case 'streamType':
          return streamType;
        case 'ids':
          return single ? ids[0] : ids;
        case 'types':
          return single ? events[0].type : events.map((e) => e.type);
        case 'schemas':
          return single ? schemaVersions[0] : schemaVersions;
        case 'data':
          return single ? data[0] : data;
        case 'metadata':
          return single ? metadata[0] : metadata;
        case 'channel':
          return this.notifyChannel;
      }
    };
    let rows: any[];
    try {
      ({ rows } = await db.query({
        name: statement.name,
        text: statement.text,
        values: statement.params.map(value),
      }));
    } catch (err) {
      // A unique violation: the same event id again, or (several events) a racing writer placed some.
      if ((err as { code?: string }).code === '23505')
        throw this.conflict(streamId, expected, (err as { constraint?: string }).constraint);
      throw err;
    }
    if (rows.length === 0) throw this.conflict(streamId, expected);
    if (standalone) signalAppended(this.pool, this.notifyChannel);
    return {
      nextExpectedVersion: expected + events.length,
      events: rows.map((r, i) => ({
        eventId: ids[i],
        streamId,
        streamType,
        streamVersion: expected + i + 1,
        type: events[i].type,
        schemaVersion: schemaVersions[i],
        // What a reader will get back: the JSON of what was given.
        data: JSON.parse(data[i]),
        metadata: JSON.parse(metadata[i]) as EventMetadata,
        createdAt: r.created_at,
        globalPosition: BigInt(r.global_position),
        transactionId: BigInt(r.transaction_id),
      })),
    };
  }

  private conflict(streamId: string, expectedVersion: number, constraint?: string): AppError {
    return new AppError('CONFLICT', `stream ${streamId} is at another version`, {
      data: { streamId, expectedVersion, ...(constraint ? { constraint } : {}) },
    });
  }

  async readStream(
    streamId: string,
    options: { fromVersion?: number; toVersion?: number; client?: pg.PoolClient } = {},
  ): Promise<RecordedEvent[]> {
    const { rows } = await (options.client ?? this.pool).query({
      ...READ_STREAM,
      values: [streamId, options.fromVersion ?? 1, options.toVersion ?? 2 ** 31 - 1],
    });
    return rows.map((r) => this.toRecorded(r));
  }

  /** Events after `after`, only of transactions older than every one still running, in commit order. */
  async readAll(after: Checkpoint, limit: number, client?: pg.PoolClient): Promise<RecordedEvent[]> {
    const { rows } = await (client ?? this.pool).query({
      ...READ_ALL,
      values: [after.transactionId.toString(), after.globalPosition.toString(), limit],
    });
    return rows.map((r) => this.toRecorded(r));
  }

  /** Whether events exist after `after` that readAll cannot return yet (an older transaction still runs). */
  async hasUnreadable(after: Checkpoint, client?: pg.PoolClient): Promise<boolean> {
    const { rows } = await (client ?? this.pool).query(
      `select exists (select 1 from es.events
         where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)) as any`,
      [after.transactionId.toString(), after.globalPosition.toString()],
    );
    return rows[0].any;
  }

  /** How many events lie after `after` (for lag metrics). */
  async countAfter(after: Checkpoint): Promise<number> {
    const { rows } = await this.pool.query(
      `select count(*)::int as n from es.events
       where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)`,
      [after.transactionId.toString(), after.globalPosition.toString()],
    );
    return rows[0].n;
  }

  private toRecorded(r: any): RecordedEvent {
    let data = r.data;
    const upcast = this.options.upcasters?.[r.event_type];
    const current = this.options.schemaVersions?.[r.event_type];
    // The upcaster sees the stored schema version and returns the current shape.
    if (upcast && (current === undefined || r.schema_version < current))
      data = upcast({ type: r.event_type, schemaVersion: r.schema_version, data });
    return {
      eventId: r.event_id,
      streamId: r.stream_id,
      streamType: r.stream_type,
      streamVersion: r.stream_version,
      type: r.event_type,
      schemaVersion: r.schema_version,
      data,
      metadata: r.metadata as EventMetadata,
      createdAt: r.created_at,
      globalPosition: BigInt(r.global_position),
      transactionId: BigInt(r.transaction_id),
    };
  }
}
