// Who may do what in enforcement (API.md): officers and devices check, download whitelists and report
// observations; officers and operators read violations and sanctions; officers issue sanctions. Every
// zone must be the request operator's (another's is unknown: 422), and a zone-scoped device may act only
// in its zones (403).
import { AppError, hasRole, type RequestContext, type Role } from '@parking/contracts';
import type { IndexedZone, PlateIndex } from './projections/plate-index.js';

export const CHECKERS: Role[] = ['officer', 'device'];
export const READERS: Role[] = ['officer', 'operator'];

export function requireRole(ctx: RequestContext, roles: Role[]): void {
  if (!roles.some((r) => hasRole(ctx.caller, r)))
    throw new AppError('FORBIDDEN', `Only ${roles.join(' or ')} may do this`);
}

export function requireZone(index: PlateIndex, ctx: RequestContext, zoneId: string): IndexedZone {
  const c = ctx.caller;
  if (c.kind === 'device' && c.zoneIds && !c.zoneIds.includes(zoneId))
    throw new AppError('FORBIDDEN', 'This device may not act in this zone');
  const zone = index.zone(ctx.operatorId, zoneId);
  if (!zone)
    throw new AppError('RULE_VIOLATED', 'Unknown zone', {
      fields: [{ path: 'zone', message: 'no such zone at this operator' }],
    });
  return zone;
}

/** Callers without a fixed set of zones are refused nothing here; a zone-scoped device is refused. */
export function refuseZoneScopedDevice(ctx: RequestContext): void {
  if (ctx.caller.kind === 'device' && ctx.caller.zoneIds)
    throw new AppError('FORBIDDEN', 'This device may act only in its zones');
}

export function userOf(ctx: RequestContext): string {
  const c = ctx.caller;
  if (c.kind === 'user') return c.userId;
  if (c.kind === 'device') return `device:${c.deviceId}`;
  return c.kind;
}
