// Creating a city («by/sted»): a name, unique within the operator.
import { randomUUID } from 'node:crypto';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { createCitySchema, type City } from '@parking/contracts/catalogue';
import type { CommandDeps } from '../../deps.js';
import { cityDecider } from '../../domain/location.js';
import { cityNameTaken } from '../../projections/catalogue.queries.js';
import { assertOperatorAdmin, execute } from '../execute.js';

export async function createCity(deps: CommandDeps, input: unknown, ctx: RequestContext): Promise<City> {
  assertOperatorAdmin(ctx);
  const { name } = parseOrThrow(createCitySchema, input);
  const cityId = randomUUID();
  const nameTaken = await cityNameTaken(deps.pool, ctx.operatorId, name);
  await execute(deps, ctx, `city-${cityId}`, cityDecider, { type: 'CreateCity', cityId, name, nameTaken });
  return { id: cityId, name };
}
