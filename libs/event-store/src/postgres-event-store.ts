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

// One statement per append: creating a stream (expected 0) inserts its row, unless it exists; any other
// expected version moves the row only where `version = expected`; the events are inserted only if that
// matched. Zero rows back: another writer got there first. Both lock the stream row, so racing writers
// of one stream queue on it and all but one find it taken or moved. There is one variant per case
// (create/move, one event/several, standalone/in a caller's transaction) because a statement carrying
// the unused branch ran 30 % slower here; each is named, so prepared once per connection.
type AppendShape = { create: boolean; single: boolean; inTransaction: boolean };

function appendSql({ create, single, inTransaction }: AppendShape): string {
  const stream = create
    ? `insert into es.streams (stream_id, stream_type, version) values ($1, $3, $4)
       on conflict (stream_id) do nothing returning version`
    : `update es.streams set version = $4 where stream_id = $1 and version = $2::int returning version`;
  const rows = single
    ? `select $5::uuid, $1, $4::int, $6::text, $7::int, $8::jsonb, $9::jsonb`
    : `select e.event_id, $1, $2::int + e.ord::int, e.event_type, e.schema_version, e.data, e.metadata
       from unnest($5::uuid[], $6::text[], $7::int[], $8::jsonb[], $9::jsonb[])
         with ordinality as e(event_id, event_type, schema_version, data, metadata, ord)`;
  // Inside a caller's transaction the events become readable only at its commit, so the NOTIFY goes
  // with it; a standalone append commits at once and signals out of band (append-signal.ts).
  const notify = inTransaction ? 'pg_notify($10, $1)' : '$10::text';
  return `
    with stream as (${stream}),
    inserted as (
      insert into es.events (event_id, stream_id, stream_version, event_type, schema_version, data, metadata)
      ${rows}
      where exists (select 1 from stream)
      returning global_position, transaction_id, event_id, stream_version, created_at
    )
    select global_position::text, transaction_id::text, event_id, stream_version, created_at,
           ${notify} is null as notified, $2::int as expected, $3::text as stream_type
    from inserted order by stream_version`;
}

const statementName = ({ create, single, inTransaction }: AppendShape) =>
  `es_append_${create ? 'create' : 'move'}_${single ? 'one' : 'many'}${inTransaction ? '_tx' : ''}`;
const APPEND_STATEMENTS = new Map<string, { name: string; text: string }>();
for (const create of [true, false])
  for (const single of [true, false])
    for (const inTransaction of [true, false]) {
      const name = statementName({ create, single, inTransaction });
      APPEND_STATEMENTS.set(name, { name, text: appendSql({ create, single, inTransaction }) });
    }
const appendStatement = (shape: AppendShape) => APPEND_STATEMENTS.get(statementName(shape))!;

const COLUMNS = `global_position::text, transaction_id::text, event_id, e.stream_id, s.stream_type, stream_version,
  event_type, schema_version, data, metadata, created_at`;
const READ_STREAM = {
  name: 'es_read_stream',
  text: `select ${COLUMNS} from es.events e join es.streams s using (stream_id)
         where e.stream_id = $1 and stream_version >= $2 order by stream_version`,
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
    const { rows } = await db.query('select version from es.streams where stream_id = $1', [streamId]);
    return rows[0]?.version ?? 0;
  }

  private async appendAt(
    db: Queryable,
    streamId: string,
    streamType: string,
    expected: number,
    events: NewEvent[],
  ): Promise<AppendResult> {
    const ids = events.map((e) => e.eventId ?? randomUUID());
    const schemaVersions = events.map((e) => e.schemaVersion ?? this.options.schemaVersions?.[e.type] ?? 1);
    const data = events.map((e) => JSON.stringify(e.data ?? null));
    const metadata = events.map((e) => JSON.stringify(e.metadata));
    const standalone = db === this.pool;
    let rows: any[];
    try {
      const single = events.length === 1;
      ({ rows } = await db.query({
        ...appendStatement({ create: expected === 0, single, inTransaction: !standalone }),
        values: [
          streamId,
          expected,
          streamType,
          expected + events.length,
          single ? ids[0] : ids,
          single ? events[0].type : events.map((e) => e.type),
          single ? schemaVersions[0] : schemaVersions,
          single ? data[0] : data,
          single ? metadata[0] : metadata,
          this.notifyChannel,
        ],
      }));
    } catch (err) {
      // A unique violation: the same event id again, or a racing writer of the same versions.
      if ((err as { code?: string }).code === '23505')
        throw this.conflict(streamId, expected, (err as { constraint?: string }).constraint);
      throw err;
    }
    if (rows.length === 0) throw this.conflict(streamId, expected);
    if (standalone) signalAppended(this.pool, this.notifyChannel);
    return {
      nextExpectedVersion: expected + events.length,
      events: rows.map((r, i) => ({
        eventId: r.event_id,
        streamId,
        streamType,
        streamVersion: r.stream_version,
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
    options: { fromVersion?: number; client?: pg.PoolClient } = {},
  ): Promise<RecordedEvent[]> {
    const { rows } = await (options.client ?? this.pool).query({
      ...READ_STREAM,
      values: [streamId, options.fromVersion ?? 1],
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
