// NATS handlers of the operator's catalogue writes (the gateway admits only the operator's admins; each
// handler checks the role again).
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { CATALOGUE_SUBJECTS } from '@parking/contracts/catalogue';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from '../deps.js';
import { addZone } from './adding-zones/add-zone.js';
import { changeProduct } from './changing-products/change-product.js';
import { createCity } from './creating-cities/create-city.js';
import { createLocation } from './creating-locations/create-location.js';
import { createProduct } from './defining-products/create-product.js';
import { publishTerms } from './publishing-terms/publish-terms.js';
import { replaceStaffList, stageStaffList } from './replacing-staff-lists/replace-staff-list.js';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class CatalogueAdminController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(CATALOGUE_SUBJECTS.createCity)
  createCity(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return createCity(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.createLocation)
  createLocation(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return createLocation(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.addZone)
  addZone(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return addZone(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.publishTerms)
  publishTerms(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return publishTerms(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.createProduct)
  createProduct(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return createProduct(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.changeProduct)
  changeProduct(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return changeProduct(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.stageStaffList)
  stageStaffList(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return stageStaffList(this.deps, data, ctx);
  }

  @MessagePattern(CATALOGUE_SUBJECTS.replaceStaffList)
  replaceStaffList(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return replaceStaffList(this.deps, data, ctx);
  }
}
