// Defining an agreement product at one of the operator's locations, with every rule of PRODUCT.md
// checked against the location's zones and the operator's terms. It is on sale from the start.
import { randomUUID } from 'node:crypto';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { createProductSchema, type Product } from '@parking/contracts/catalogue';
import type { CommandDeps } from '../../deps.js';
import { productDecider } from '../../domain/product.js';
import { findTerms, getLocation, getProduct } from '../../projections/catalogue.queries.js';
import { assertOperatorAdmin, execute } from '../execute.js';

export async function createProduct(
  deps: CommandDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<Product> {
  assertOperatorAdmin(ctx);
  const body = parseOrThrow(createProductSchema, input);
  const productId = randomUUID();
  const location = await getLocation(deps.pool, ctx.operatorId, body.locationId);
  const terms = await findTerms(deps.pool, ctx.operatorId, body.termsId);
  await execute(deps, ctx, `product-${productId}`, productDecider, {
    type: 'CreateProduct',
    definition: { productId, ...body },
    facts: { locationZoneIds: location?.zones.map((z) => z.id) ?? null, termsKnown: !!terms },
    now: deps.clock.now(),
  });
  return getProduct(deps.pool, ctx.operatorId, productId);
}
