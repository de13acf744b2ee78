// Plate checks from the in-memory index: one plate, up to 1,000 in one request, and a zone's whitelist.
// Nothing here touches the database; the answers go to the check log, which writes them later.
import { AppError, normalisePlate, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  CHECKS_MAX,
  checkSchema,
  checksSchema,
  whitelistPageSchema,
  type Check,
  type LeanCheckRequest,
  type WhitelistEntry,
  type WhitelistPage,
} from '@parking/contracts/enforcement';
import { CHECKERS, requireRole, requireZone } from '../access.js';
import { assessCheck, counts, type Assessment } from '../domain/check.js';
import type { AgreementView, PlateIndex } from '../projections/plate-index.js';
import { callerName, type CheckLog } from './check-log.js';

const COUNTRY = /^[A-Z]{1,3}$/;

/** The check of one plate at `at`, with who else of its agreement is present. */
export function assess(
  index: PlateIndex,
  operatorId: string,
  request: { plate: string; country: string; zone: string; at: Date; atIso?: string },
): Assessment {
  // assessCheck hands back the agreements it was given: the index's own views.
  return assessCheck(request, index.lookup(operatorId, request.plate, request.country), (a, at) =>
    index.othersPresent(a as AgreementView, request.plate, request.country, at),
  );
}

export class Checks {
  constructor(
    private readonly index: PlateIndex,
    private readonly log: CheckLog | null,
  ) {}

  checkOne(input: unknown, ctx: RequestContext, now: Date): Check {
    const req = parseOrThrow(checkSchema, input);
    requireRole(ctx, CHECKERS);
    requireZone(this.index, ctx, req.zone);
    const at = req.at ? new Date(req.at) : now;
    const { check } = assess(this.index, ctx.operatorId, { ...req, at });
    this.log?.record(ctx.operatorId, callerName(ctx), now, [check]);
    return check;
  }

  checkMany(input: unknown, ctx: RequestContext, now: Date): { items: Check[] } {
    const req = parseOrThrow(checksSchema, input);
    requireRole(ctx, CHECKERS);
    requireZone(this.index, ctx, req.zone);
    const at = req.at ? new Date(req.at) : now;
    const items = req.plates.map((p) => {
      const { plate, country } = typeof p === 'string' ? { plate: p, country: 'NO' } : p;
      return assess(this.index, ctx.operatorId, { plate, country, zone: req.zone, at }).check;
    });
    this.log?.record(ctx.operatorId, callerName(ctx), now, items);
    return { items };
  }

  /**
   * The lean path's check (see contracts' lean.ts): what the gateway validated is checked again where it
   * matters (roles, a zone-scoped device, the operator's zone, plate shapes), nothing is logged for a
   * refusal, and the answer is the HTTP body — one Check, or `{ items }` for a batch.
   */
  lean(req: LeanCheckRequest, batch: boolean, now: Date): string {
    if (!req.roles.some((r) => (CHECKERS as string[]).includes(r)))
      throw new AppError('FORBIDDEN', `Only ${CHECKERS.join(' or ')} may do this`);
    if (req.zoneScope && !req.zoneScope.includes(req.zone))
      throw new AppError('FORBIDDEN', 'This device may not act in this zone');
    if (!this.index.zone(req.operatorId, req.zone))
      throw new AppError('RULE_VIOLATED', 'Unknown zone', {
        fields: [{ path: 'zone', message: 'no such zone at this operator' }],
      });
    const n = req.vehicles.length;
    if (n < 1 || n > CHECKS_MAX || (!batch && n !== 1))
      throw new AppError('VALIDATION', 'The request is not valid', {
        fields: [{ path: 'plates', message: `1 to ${CHECKS_MAX} plates` }],
      });
    for (let i = 0; i < n; i++) {
      const v = req.vehicles[i];
      if (normalisePlate(v.plate) !== v.plate || !COUNTRY.test(v.country))
        throw new AppError('VALIDATION', 'The request is not valid', {
          fields: [{ path: batch ? `plates.${i}` : 'plate', message: 'not a plate' }],
        });
    }
    const at = req.at === null ? now : new Date(req.at);
    const atIso = at.toISOString();
    const checks = new Array<Check>(n);
    for (let i = 0; i < n; i++) {
      const { plate, country } = req.vehicles[i];
      checks[i] = assess(this.index, req.operatorId, { plate, country, zone: req.zone, at, atIso }).check;
    }
    this.log?.record(req.operatorId, req.caller, now, checks);
    if (!batch) return JSON.stringify(checks[0]);
    let body = '{"items":[';
    for (let i = 0; i < n; i++) body += (i ? ',' : '') + JSON.stringify(checks[i]);
    return `${body}]}`;
  }

  private readonly whitelists = new Map<string, { entries: WhitelistEntry[]; expires: number }>();

  /**
   * One page of the plates valid in the zone at `asOf`. The gateway asks for the pages one after another
   * with the first page's `asOf`; the whole list is computed once and kept for a few seconds for them.
   */
  whitelist(input: unknown, ctx: RequestContext, now: Date): WhitelistPage {
    const req = parseOrThrow(whitelistPageSchema, input);
    requireRole(ctx, CHECKERS);
    requireZone(this.index, ctx, req.zone);
    const asOf = req.asOf ? new Date(req.asOf) : now;
    const key = `${ctx.operatorId}|${req.zone}|${asOf.toISOString()}`;
    let cached = this.whitelists.get(key);
    if (!cached || cached.expires < Date.now()) {
      cached = {
        entries: this.validInZone(ctx.operatorId, req.zone, asOf.getTime()),
        expires: Date.now() + 30_000,
      };
      for (const [k, v] of this.whitelists) if (v.expires < Date.now()) this.whitelists.delete(k);
      this.whitelists.set(key, cached);
    }
    const from = req.cursor ? Number(req.cursor) : 0;
    const items = cached.entries.slice(from, from + req.limit);
    const next = from + items.length;
    return {
      zone: req.zone,
      asOf: asOf.toISOString(),
      items,
      nextCursor: next < cached.entries.length ? String(next) : null,
    };
  }

  private validInZone(operatorId: string, zone: string, at: number): WhitelistEntry[] {
    const entries: WhitelistEntry[] = [];
    for (const a of this.index.inZone(operatorId, zone)) {
      if (!counts(a) || a.validFrom > at || at >= a.validTo) continue;
      const validTo = new Date(a.validTo).toISOString();
      for (const v of a.vehicles)
        entries.push({ plate: v.plate, country: v.country, agreementId: a.agreementId, validTo });
    }
    return entries.sort((x, y) =>
      x.country === y.country
        ? x.plate < y.plate
          ? -1
          : x.plate > y.plate
            ? 1
            : 0
        : x.country < y.country
          ? -1
          : 1,
    );
  }
}
