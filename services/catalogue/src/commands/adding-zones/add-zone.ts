// Adding a parking zone to a location: the area an agreement is valid in, its name unique there.
import { randomUUID } from 'node:crypto';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { addZoneSchema, type Zone } from '@parking/contracts/catalogue';
import type { CommandDeps } from '../../deps.js';
import { locationDecider } from '../../domain/location.js';
import { getLocation } from '../../projections/catalogue.queries.js';
import { assertOperatorAdmin, execute } from '../execute.js';

export async function addZone(
  deps: CommandDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<Zone & { locationId: string }> {
  assertOperatorAdmin(ctx);
  const { locationId, name, maxStayHours } = parseOrThrow(addZoneSchema, input);
  // Another operator's location is as unknown as one that does not exist.
  if (!(await getLocation(deps.pool, ctx.operatorId, locationId)))
    throw new AppError('NOT_FOUND', 'location not found');
  const zoneId = randomUUID();
  await execute(deps, ctx, `location-${locationId}`, locationDecider, {
    type: 'AddZone',
    zoneId,
    name,
    maxStayHours,
  });
  return { id: zoneId, name, maxStayHours, locationId };
}
