// Creating a location (a car park) in one of the operator's cities: address, coordinates, time zone.
import { randomUUID } from 'node:crypto';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { createLocationSchema, type Location } from '@parking/contracts/catalogue';
import type { CommandDeps } from '../../deps.js';
import { locationDecider } from '../../domain/location.js';
import { cityExists } from '../../projections/catalogue.queries.js';
import { assertOperatorAdmin, execute } from '../execute.js';

export async function createLocation(
  deps: CommandDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<Location> {
  assertOperatorAdmin(ctx);
  const body = parseOrThrow(createLocationSchema, input);
  const location = { locationId: randomUUID(), ...body };
  const cityKnown = await cityExists(deps.pool, ctx.operatorId, body.cityId);
  await execute(deps, ctx, `location-${location.locationId}`, locationDecider, {
    type: 'CreateLocation',
    location,
    cityKnown,
  });
  const { locationId: id, ...rest } = location;
  return { id, ...rest, zones: [] };
}
