// Control sanctions: issued by an officer for a violation (one per violation; the stream
// `sanction-<violationId>` holds its events, the `sanctions` table is their read model, written in the
// same transaction), numbered per operator, with the amount and due date of the operator's settings;
// cancelled by an officer or operator with a reason; listed.
import { randomUUID } from 'node:crypto';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  cancelSanctionSchema,
  issueSanctionSchema,
  listSanctionsSchema,
  type Items,
  type Sanction,
} from '@parking/contracts/enforcement';
import type { EventMetadata, PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';
import { READERS, requireRole, userOf } from '../access.js';
import { cursorOf, inTransaction, parseCursor } from '../db.js';
import { decide, type SanctionEvent, type SanctionState } from '../domain/sanction.js';
import type { PlateIndex } from '../projections/plate-index.js';

export interface SanctionDeps {
  pool: pg.Pool;
  store: PostgresEventStore;
  index: PlateIndex;
}

const DEFAULT_SINCE_MS = 90 * 24 * 3_600_000;
const streamOf = (violationId: string) => `sanction-${violationId}`;

function sanctionOf(r: any): Sanction {
  return {
    id: r.id,
    number: r.number,
    violationId: r.violation_id,
    plate: r.plate,
    country: r.country,
    zone: r.zone_id,
    amount: r.amount,
    issuedAt: r.issued_at.toISOString(),
    dueDate: r.due_date,
    status: r.status,
    note: r.note,
    cancelledAt: r.cancelled_at?.toISOString() ?? null,
    cancelReason: r.cancel_reason,
  };
}

function stateOf(r: any | undefined): SanctionState {
  if (!r) return { status: 'none' };
  const sanction = {
    sanctionId: r.id,
    number: r.number,
    violationId: r.violation_id,
    plate: r.plate,
    country: r.country,
    zone: r.zone_id,
    amount: r.amount,
    issuedAt: r.issued_at.toISOString(),
    dueDate: r.due_date,
    note: r.note,
    issuedBy: r.issued_by,
  };
  if (r.status === 'issued') return { status: 'issued', sanction };
  return {
    status: 'cancelled',
    sanction,
    cancellation: {
      sanctionId: r.id,
      reason: r.cancel_reason,
      cancelledAt: r.cancelled_at.toISOString(),
      cancelledBy: r.cancelled_by,
    },
  };
}

const metadataOf = (ctx: RequestContext): EventMetadata => ({
  operatorId: ctx.operatorId,
  correlationId: ctx.correlationId,
  actor:
    ctx.caller.kind === 'user'
      ? { kind: 'user', id: ctx.caller.userId }
      : ctx.caller.kind === 'device'
        ? { kind: 'device', id: ctx.caller.deviceId }
        : { kind: ctx.caller.kind },
});

async function append(
  deps: SanctionDeps,
  tx: pg.PoolClient,
  violationId: string,
  events: SanctionEvent[],
  expectedVersion: number,
  ctx: RequestContext,
) {
  await deps.store.append(
    streamOf(violationId),
    events.map((e) => ({ ...e, metadata: metadataOf(ctx) })),
    {
      expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion,
      streamType: 'sanction',
      client: tx,
    },
  );
}

export async function issueSanction(
  deps: SanctionDeps,
  input: unknown,
  ctx: RequestContext,
  now: Date,
): Promise<Sanction> {
  const req = parseOrThrow(issueSanctionSchema, input);
  requireRole(ctx, ['officer']);
  return inTransaction(deps.pool, async (tx) => {
    const {
      rows: [violation],
    } = await tx.query('select * from violations where id::text = $1 and operator_id = $2 for update', [
      req.violationId,
      ctx.operatorId,
    ]);
    if (!violation) throw new AppError('NOT_FOUND', 'violation not found');
    const settings = deps.index.sanctionSettings(ctx.operatorId);
    if (!settings) throw new AppError('UNAVAILABLE', "The operator's sanction settings are not known yet");
    const { rows: held } = await tx.query('select * from sanctions where violation_id = $1', [violation.id]);
    const state = stateOf(held[0]);
    if (state.status !== 'none')
      throw new AppError('CONFLICT', 'This violation already has a sanction', {
        data: { sanctionId: state.sanction.sanctionId },
      });
    const {
      rows: [{ last_number: number }],
    } = await tx.query(
      `insert into sanction_numbers (operator_id, last_number) values ($1, 1)
       on conflict (operator_id) do update set last_number = sanction_numbers.last_number + 1
       returning last_number`,
      [ctx.operatorId],
    );
    const events = decide(
      {
        type: 'IssueSanction',
        data: {
          sanctionId: randomUUID(),
          number,
          violationId: violation.id,
          plate: violation.plate,
          country: violation.country,
          zone: violation.zone_id,
          amount: settings.amount,
          issuedAt: now.toISOString(),
          note: req.note ?? null,
          issuedBy: userOf(ctx),
          dueDays: settings.dueDays,
          timeZone: deps.index.zone(ctx.operatorId, violation.zone_id)?.timeZone ?? 'Europe/Oslo',
        },
      },
      state,
    );
    await append(deps, tx, violation.id, events, 0, ctx);
    const issued = events[0];
    if (issued.type !== 'SanctionIssued') throw new AppError('INTERNAL', 'unexpected event');
    const s = issued.data;
    const {
      rows: [row],
    } = await tx.query(
      `insert into sanctions (id, operator_id, number, violation_id, plate, country, zone_id, amount, issued_at, issued_by,
                              due_date, status, note, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'issued', $12, 1) returning *, due_date::text as due_date`,
      [
        s.sanctionId,
        ctx.operatorId,
        s.number,
        s.violationId,
        s.plate,
        s.country,
        s.zone,
        JSON.stringify(s.amount),
        s.issuedAt,
        s.issuedBy,
        s.dueDate,
        s.note,
      ],
    );
    await tx.query(`update violations set status = 'sanctioned' where id = $1`, [violation.id]);
    return sanctionOf(row);
  }).catch((err) => {
    // Two officers at once: the loser's append or insert finds the first sanction.
    if ((err as { code?: string }).code === '23505')
      throw new AppError('CONFLICT', 'This violation already has a sanction');
    throw err;
  });
}

export async function cancelSanction(
  deps: SanctionDeps,
  input: unknown,
  ctx: RequestContext,
  now: Date,
): Promise<Sanction> {
  const req = parseOrThrow(cancelSanctionSchema, input);
  requireRole(ctx, READERS);
  return inTransaction(deps.pool, async (tx) => {
    const {
      rows: [row],
    } = await tx.query(
      `select *, due_date::text as due_date from sanctions where id::text = $1 and operator_id = $2 for update`,
      [req.sanctionId, ctx.operatorId],
    );
    if (!row) throw new AppError('NOT_FOUND', 'sanction not found');
    const events = decide(
      {
        type: 'CancelSanction',
        data: {
          sanctionId: row.id,
          reason: req.reason,
          cancelledAt: now.toISOString(),
          cancelledBy: userOf(ctx),
        },
      },
      stateOf(row),
    );
    await append(deps, tx, row.violation_id, events, row.version, ctx);
    const {
      rows: [updated],
    } = await tx.query(
      `update sanctions set status = 'cancelled', cancelled_at = $2, cancelled_by = $3, cancel_reason = $4,
              version = version + $5
        where id = $1 returning *, due_date::text as due_date`,
      [row.id, now, userOf(ctx), req.reason, events.length],
    );
    return sanctionOf(updated);
  });
}

export async function listSanctions(
  pool: pg.Pool,
  input: unknown,
  ctx: RequestContext,
  now: Date,
): Promise<Items<Sanction>> {
  const req = parseOrThrow(listSanctionsSchema, input);
  requireRole(ctx, READERS);
  const since = req.since ? new Date(req.since) : new Date(now.getTime() - DEFAULT_SINCE_MS);
  const after = parseCursor(req.cursor);
  const { rows } = await pool.query(
    `select *, due_date::text as due_date from sanctions
      where operator_id = $1 and issued_at >= $2
        and ($3::timestamptz is null or (issued_at, number) > ($3::timestamptz, $4::int))
      order by issued_at, number limit $5`,
    [ctx.operatorId, since, after?.[0] ?? null, after?.[1] ?? null, req.limit + 1],
  );
  const items = rows.slice(0, req.limit).map(sanctionOf);
  const last = rows.length > req.limit ? rows[req.limit - 1] : null;
  return { items, nextCursor: last ? cursorOf(last.issued_at, String(last.number)) : null };
}
