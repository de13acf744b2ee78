// NATS handlers of payment methods and receipts.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { PAYMENT_SUBJECTS } from '@parking/contracts/payment';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from './deps.js';
import {
  addPaymentMethod,
  confirmPaymentMethod,
  getPaymentMethod,
  listPaymentMethods,
} from './projections/payment-methods/payment-methods.js';
import { getReceipt, listReceipts } from './projections/receipts/receipts.js';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class PaymentController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(PAYMENT_SUBJECTS.addMethod)
  add(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return addPaymentMethod(this.deps, data, ctx);
  }

  @MessagePattern(PAYMENT_SUBJECTS.confirmMethod)
  confirm(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return confirmPaymentMethod(this.deps, data, ctx);
  }

  @MessagePattern(PAYMENT_SUBJECTS.listMethods)
  list(@Payload() _data: unknown, @RpcContext() ctx: RequestContext) {
    return listPaymentMethods(this.deps, ctx);
  }

  @MessagePattern(PAYMENT_SUBJECTS.getMethod)
  get(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return getPaymentMethod(this.deps, data, ctx);
  }

  @MessagePattern(PAYMENT_SUBJECTS.listReceipts)
  receipts(@Payload() _data: unknown, @RpcContext() ctx: RequestContext) {
    return listReceipts(this.deps.pool, ctx);
  }

  @MessagePattern(PAYMENT_SUBJECTS.getReceipt)
  receipt(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return getReceipt(this.deps.pool, ctx, data);
  }
}
