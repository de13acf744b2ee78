// NATS handlers of the agreement's commands.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { AGREEMENT_SUBJECTS } from '@parking/contracts/agreement';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from '../deps.js';
import { changeVehicles } from './changing-vehicles/change-vehicles.js';
import { purchase } from './purchasing/purchase.js';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class AgreementCommandsController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(AGREEMENT_SUBJECTS.purchase)
  purchase(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return purchase(this.deps, data, ctx);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.changeVehicles)
  changeVehicles(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return changeVehicles(this.deps, data, ctx);
  }
}
