// NATS handlers of the agreement's commands.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { AGREEMENT_SUBJECTS } from '@parking/contracts/agreement';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from '../deps.js';
import { changeVehicles } from './changing-vehicles/change-vehicles.js';
import { cancel, changePaymentMethod, endDue, terminate, withdraw } from './lifecycle/lifecycle.js';
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

  @MessagePattern(AGREEMENT_SUBJECTS.cancel)
  cancel(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return cancel(this.deps, data, ctx);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.withdraw)
  withdraw(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return withdraw(this.deps, data, ctx);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.changePaymentMethod)
  changePaymentMethod(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return changePaymentMethod(this.deps, data, ctx);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.terminate)
  terminate(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return terminate(this.deps, data, ctx);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.endDue)
  endDue(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return endDue(this.deps, data, ctx);
  }
}
