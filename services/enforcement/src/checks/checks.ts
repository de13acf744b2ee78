// Plate checks from the in-memory index: one plate, or up to 1,000 in one request.
import { AppError, hasRole, parseOrThrow, type RequestContext } from '@parking/contracts';
import { checkSchema, checksSchema, type Check } from '@parking/contracts/enforcement';
import { decideCheck } from '../domain/check.js';
import type { PlateIndex } from '../projections/plate-index.js';

function authorise(index: PlateIndex, ctx: RequestContext, zone: string): void {
  const c = ctx.caller;
  if (!(hasRole(c, 'officer') || hasRole(c, 'operator') || hasRole(c, 'device'))) {
    throw new AppError('FORBIDDEN', 'Only attendants, operators and devices may check plates');
  }
  if (!index.hasZone(ctx.operatorId, zone)) {
    throw new AppError('RULE_VIOLATED', 'Unknown zone', {
      fields: [{ path: 'zone', message: 'no such zone at this operator' }],
    });
  }
  if (c.kind === 'device' && c.zoneIds && !c.zoneIds.includes(zone)) {
    throw new AppError('FORBIDDEN', 'This device may not act in this zone');
  }
}

export function checkOne(index: PlateIndex, input: unknown, ctx: RequestContext, now: Date): Check {
  const req = parseOrThrow(checkSchema, input);
  authorise(index, ctx, req.zone);
  const at = req.at ? new Date(req.at) : now;
  return decideCheck(
    { plate: req.plate, country: req.country, zone: req.zone, at },
    index.lookup(ctx.operatorId, req.plate, req.country),
  );
}

export function checkMany(
  index: PlateIndex,
  input: unknown,
  ctx: RequestContext,
  now: Date,
): { items: Check[] } {
  const req = parseOrThrow(checksSchema, input);
  authorise(index, ctx, req.zone);
  const at = req.at ? new Date(req.at) : now;
  return {
    items: req.plates.map((p) => {
      const { plate, country } = typeof p === 'string' ? { plate: p, country: 'NO' } : p;
      return decideCheck(
        { plate, country, zone: req.zone, at },
        index.lookup(ctx.operatorId, plate, country),
      );
    }),
  };
}
