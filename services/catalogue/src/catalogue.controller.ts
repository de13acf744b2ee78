// NATS handlers of the catalogue's reads: the public ones, the operator's full product list, and the
// queries other services ask (staff lists, the price a renewal charge uses).
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  CATALOGUE_SUBJECTS,
  getProductSchema,
  getTermsSchema,
  listAllProductsSchema,
  listLocationsSchema,
  listProductsSchema,
  priceAtSchema,
  staffContainsSchema,
} from '@parking/contracts/catalogue';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { assertOperatorAdmin } from './commands/execute.js';
import { DEPS, type Deps } from './deps.js';
import {
  getProduct,
  getTerms,
  listAllProducts,
  listCities,
  listLocations,
  listProducts,
  staffContains,
} from './projections/catalogue.queries.js';
import { priceAt } from './projections/prices.queries.js';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class CatalogueController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(CATALOGUE_SUBJECTS.listCities)
  cities(@RpcContext() ctx: RequestContext) {
    return listCities(this.deps.pool, ctx.operatorId);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.listLocations)
  locations(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return listLocations(this.deps.pool, ctx.operatorId, parseOrThrow(listLocationsSchema, data).cityId);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.listProducts)
  products(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return listProducts(this.deps.pool, ctx.operatorId, parseOrThrow(listProductsSchema, data).locationId);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.getProduct)
  product(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return getProduct(this.deps.pool, ctx.operatorId, parseOrThrow(getProductSchema, data).productId);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.getTerms)
  terms(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return getTerms(this.deps.pool, ctx.operatorId, parseOrThrow(getTermsSchema, data).termsId);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.staffContains)
  staff(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { productId, employeeNumber } = parseOrThrow(staffContainsSchema, data);
    return staffContains(this.deps.pool, ctx.operatorId, productId, employeeNumber);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.priceAt)
  price(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { productId, at } = parseOrThrow(priceAtSchema, data);
    return priceAt(this.deps.pool, this.deps.store, ctx.operatorId, productId, new Date(at));
  }

  @MessagePattern(CATALOGUE_SUBJECTS.listAllProducts)
  allProducts(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    assertOperatorAdmin(ctx);
    const { locationId } = parseOrThrow(listAllProductsSchema, data);
    return listAllProducts(this.deps.pool, ctx.operatorId, locationId);
  }
}
