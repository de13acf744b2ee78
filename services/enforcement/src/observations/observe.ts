// An observation: the plate checked at the moment it was seen, the sighting recorded (and broadcast to
// every replica's presence), and a violation recorded when the rules say so — once per agreement (or
// plate) and zone within 30 minutes, under a lock on that key so two replicas cannot both record it.
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  ENFORCEMENT_PRESENCE_SUBJECT,
  OBSERVED_AGE_MAX_MS,
  OBSERVED_AHEAD_MAX_MS,
  observationSchema,
  type ObservationRecorded,
  type PresenceChanged,
} from '@parking/contracts/enforcement';
import type pg from 'pg';
import { CHECKERS, requireRole, requireZone } from '../access.js';
import { assess } from '../checks/checks.js';
import { callerName, type CheckLog } from '../checks/check-log.js';
import { inTransaction } from '../db.js';
import { entryExpires, PATROL_WINDOW_MS } from '../domain/presence.js';
import { decideViolation, REPEAT_WINDOW_MS } from '../domain/violation.js';
import type { PlateIndex } from '../projections/plate-index.js';
import { violationOf, violationsNear } from '../violations/violations.js';

export interface ObserveDeps {
  pool: pg.Pool;
  index: PlateIndex;
  nc: NatsConnection | null;
  checkLog: CheckLog | null;
}

export async function observe(
  deps: ObserveDeps,
  input: unknown,
  ctx: RequestContext,
  now: Date,
): Promise<ObservationRecorded> {
  const req = parseOrThrow(observationSchema, input);
  requireRole(ctx, CHECKERS);
  const zone = requireZone(deps.index, ctx, req.zone);
  const at = req.observedAt ? new Date(req.observedAt) : now;
  refuseImplausibleTime(at, now);
  const { index } = deps;
  // An entry with no exit stops counting after the zone's maximum stay.
  const expires = req.kind === 'entry' ? new Date(entryExpires(at.getTime(), zone.maxStayHours)) : null;
  const assessment = assess(index, ctx.operatorId, { ...req, at });
  const { check } = assessment;
  const agreements = index.lookup(ctx.operatorId, req.plate, req.country);
  const id = randomUUID();
  const lockKey = `${ctx.operatorId}|${req.zone}|${check.agreementId ?? `${req.country}|${req.plate}`}`;

  const violation = await inTransaction(deps.pool, async (tx) => {
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    const earlier = await violationsNear(tx, ctx.operatorId, req.zone, at, REPEAT_WINDOW_MS);
    const decision = decideViolation({ ...req, at: at.getTime() }, assessment, agreements, earlier);
    let row: any = null;
    if (decision.kind === 'repeat') row = earlier.find((v) => v.id === decision.violationId)!.row;
    if (decision.kind === 'record') {
      ({
        rows: [row],
      } = await tx.query(
        `insert into violations (id, operator_id, type, plate, country, zone_id, at, agreement_id, other_plates, status, recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10) returning *`,
        [
          randomUUID(),
          ctx.operatorId,
          decision.type,
          req.plate,
          req.country,
          req.zone,
          at,
          decision.agreementId,
          decision.otherPlates,
          now,
        ],
      ));
    }
    if (req.kind === 'exit') {
      // Closes the entries still open at the exit (an entry's closed_at starts at its expiry).
      await tx.query(
        `update observations set closed_at = $4
          where operator_id = $1 and country = $2 and plate = $3 and kind = 'entry' and closed_at > $4 and observed_at <= $4`,
        [ctx.operatorId, req.country, req.plate, at],
      );
    }
    const closedAt =
      req.kind === 'seen' ? new Date(at.getTime() + PATROL_WINDOW_MS) : req.kind === 'exit' ? at : expires;
    await tx.query(
      `insert into observations (id, operator_id, zone_id, plate, country, kind, observed_at, recorded_at, recorded_by,
                                 reason, agreement_id, violation_id, closed_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        id,
        ctx.operatorId,
        req.zone,
        req.plate,
        req.country,
        req.kind,
        at,
        now,
        callerName(ctx),
        check.reason,
        check.agreementId,
        row?.id ?? null,
        closedAt,
      ],
    );
    return row ? violationOf(row) : null;
  });

  const presence: PresenceChanged = {
    operatorId: ctx.operatorId,
    plate: req.plate,
    country: req.country,
    kind: req.kind,
    observedAt: at.toISOString(),
    zone: req.zone,
    ...(expires ? { expiresAt: expires.toISOString() } : {}),
  };
  applyPresence(index, presence);
  deps.nc?.publish(ENFORCEMENT_PRESENCE_SUBJECT, JSON.stringify(presence));
  deps.checkLog?.record(ctx.operatorId, callerName(ctx), now, [check]);
  return { id, check, violation };
}

/** A camera's clock may drift a little; an observation far in the future or from yesterday is refused. */
export function refuseImplausibleTime(at: Date, now: Date): void {
  const t = at.getTime();
  if (t > now.getTime() + OBSERVED_AHEAD_MAX_MS)
    throw new AppError('RULE_VIOLATED', 'observedAt is in the future', {
      fields: [{ path: 'observedAt', message: 'more than 5 minutes ahead of now' }],
    });
  if (t < now.getTime() - OBSERVED_AGE_MAX_MS)
    throw new AppError('RULE_VIOLATED', 'observedAt is too old', {
      fields: [{ path: 'observedAt', message: 'more than 24 hours ago' }],
    });
}

export function applyPresence(index: PlateIndex, p: PresenceChanged): void {
  const until = p.expiresAt ? Date.parse(p.expiresAt) : undefined;
  index.observe(p.operatorId, p.plate, p.country, {
    kind: p.kind,
    at: Date.parse(p.observedAt),
    ...(until !== undefined && Number.isFinite(until) ? { until } : {}),
  });
}

/** Every replica's presence follows the observations any replica records. */
export function followPresence(nc: NatsConnection, index: PlateIndex): { unsubscribe(): void } {
  return nc.subscribe(ENFORCEMENT_PRESENCE_SUBJECT, {
    callback: (err, msg) => {
      if (err) return;
      try {
        applyPresence(index, msg.json<PresenceChanged>());
      } catch {
        /* a malformed broadcast changes nothing */
      }
    },
  });
}

/**
 * Presence from the observations table: each vehicle's latest observation that can still make it present
 * (an entry until its exit or expiry, a sighting for its window). Run at start, and again every
 * PRESENCE_RESYNC_MS, so a replica that missed a broadcast (a reconnect, a dropped message) catches up:
 * the rows only ever add newer observations (`latest` keeps the newest), never rewind one.
 */
export async function loadPresence(pool: pg.Pool, index: PlateIndex, now: Date): Promise<number> {
  const { rows } = await pool.query(
    `select distinct on (operator_id, country, plate) operator_id, country, plate, kind, observed_at, closed_at
       from observations
      where plate is not null and (closed_at is null or closed_at > $1::timestamptz - interval '2 hours')
      order by operator_id, country, plate, observed_at desc`,
    [now],
  );
  for (const r of rows)
    index.observe(r.operator_id, r.plate, r.country, {
      kind: r.kind,
      at: r.observed_at.getTime(),
      ...(r.kind === 'entry' && r.closed_at ? { until: r.closed_at.getTime() } : {}),
    });
  return rows.length;
}

export const PRESENCE_RESYNC_MS = 30_000;

/** Re-reads presence from the table every `everyMs` (see loadPresence). */
export function resyncPresence(
  pool: pg.Pool,
  index: PlateIndex,
  clock: { now(): Date },
  logger: { warn(obj: object, msg?: string): void },
  everyMs = PRESENCE_RESYNC_MS,
): () => void {
  const timer = setInterval(() => {
    loadPresence(pool, index, clock.now()).catch((err) =>
      logger.warn({ err }, 'presence resync failed; will retry'),
    );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
