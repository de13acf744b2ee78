// NATS handlers of the catalogue's public reads.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  CATALOGUE_SUBJECTS,
  getProductSchema,
  getTermsSchema,
  listLocationsSchema,
  listProductsSchema,
  staffContainsSchema,
} from '@parking/contracts/catalogue';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from './deps.js';
import {
  getProduct,
  getTerms,
  listCities,
  listLocations,
  listProducts,
  staffContains,
} from './projections/catalogue.queries.js';

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
}
