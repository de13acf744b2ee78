// Violations as stored and listed (by zone and time, oldest first from `since`).
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { listViolationsSchema, type Items, type Violation } from '@parking/contracts/enforcement';
import type pg from 'pg';
import { READERS, requireRole, requireZone } from '../access.js';
import { cursorOf, parseCursor } from '../db.js';
import type { EarlierViolation } from '../domain/violation.js';
import type { PlateIndex } from '../projections/plate-index.js';

const DEFAULT_SINCE_MS = 24 * 3_600_000;

export function violationOf(r: any): Violation {
  return {
    id: r.id,
    type: r.type,
    plate: r.plate,
    country: r.country,
    zone: r.zone_id,
    at: r.at.toISOString(),
    agreementId: r.agreement_id,
    otherPlates: r.other_plates,
    status: r.status,
  };
}

/** The operator's violations in the zone within `windowMs` either side of `at`. */
export async function violationsNear(
  db: pg.ClientBase,
  operatorId: string,
  zone: string,
  at: Date,
  windowMs: number,
): Promise<(EarlierViolation & { row: any })[]> {
  const { rows } = await db.query(
    `select * from violations where operator_id = $1 and zone_id = $2
       and at between $3::timestamptz - make_interval(secs => $4) and $3::timestamptz + make_interval(secs => $4)`,
    [operatorId, zone, at, windowMs / 1000],
  );
  return rows.map((r) => ({
    id: r.id,
    plate: r.plate,
    country: r.country,
    zone: r.zone_id,
    at: r.at.getTime(),
    agreementId: r.agreement_id,
    row: r,
  }));
}

export async function listViolations(
  pool: pg.Pool,
  index: PlateIndex,
  input: unknown,
  ctx: RequestContext,
  now: Date,
): Promise<Items<Violation>> {
  const req = parseOrThrow(listViolationsSchema, input);
  requireRole(ctx, READERS);
  if (req.zone) requireZone(index, ctx, req.zone);
  const since = req.since ? new Date(req.since) : new Date(now.getTime() - DEFAULT_SINCE_MS);
  const after = parseCursor(req.cursor);
  const { rows } = await pool.query(
    `select * from violations
      where operator_id = $1 and ($2::text is null or zone_id = $2) and at >= $3
        and ($4::timestamptz is null or (at, id) > ($4::timestamptz, $5::uuid))
      order by at, id limit $6`,
    [ctx.operatorId, req.zone ?? null, since, after?.[0] ?? null, after?.[1] ?? null, req.limit + 1],
  );
  const items = rows.slice(0, req.limit).map(violationOf);
  const last = rows.length > req.limit ? rows[req.limit - 1] : null;
  return { items, nextCursor: last ? cursorOf(last.at, last.id) : null };
}
