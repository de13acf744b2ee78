// Changing a product: price (applies to renewal charges 30 days on), description, terms version, zones,
// capacity, on sale or withdrawn. Only what differs becomes an event; a refusal changes nothing.
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { changeProductSchema, type Product } from '@parking/contracts/catalogue';
import type { CommandDeps } from '../../deps.js';
import { productDecider } from '../../domain/product.js';
import { findProduct, findTerms, getLocation, getProduct } from '../../projections/catalogue.queries.js';
import { assertOperatorAdmin, execute } from '../execute.js';

export async function changeProduct(
  deps: CommandDeps,
  input: unknown,
  ctx: RequestContext,
): Promise<Product> {
  assertOperatorAdmin(ctx);
  const { productId, changes } = parseOrThrow(changeProductSchema, input);
  const product = await findProduct(deps.pool, ctx.operatorId, productId);
  if (!product) throw new AppError('NOT_FOUND', 'product not found');
  const location = await getLocation(deps.pool, ctx.operatorId, product.locationId);
  const termsKnown =
    changes.termsId === undefined || !!(await findTerms(deps.pool, ctx.operatorId, changes.termsId));
  await execute(deps, ctx, `product-${productId}`, productDecider, {
    type: 'ChangeProduct',
    changes,
    facts: { locationZoneIds: location?.zones.map((z) => z.id) ?? null, termsKnown },
    now: deps.clock.now(),
  });
  return getProduct(deps.pool, ctx.operatorId, productId);
}
