// NATS handlers of payment methods, receipts, the renewal run and the PSP's webhooks.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { PAYMENT_SUBJECTS, settledChargeSchema, type SettledCharge } from '@parking/contracts/payment';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from './deps.js';
import { runRenewalsRequest } from './commands/running-renewals/run-renewals.js';
import {
  addPaymentMethod,
  confirmPaymentMethod,
  getPaymentMethod,
  listPaymentMethods,
  removePaymentMethod,
} from './projections/payment-methods/payment-methods.js';
import { adminListReceipts, adminReceiptsCsv } from './projections/receipts/admin-receipts.js';
import { getReceipt, listReceipts } from './projections/receipts/receipts.js';
import { receivePspWebhook } from './psp/webhooks.js';

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

  @MessagePattern(PAYMENT_SUBJECTS.settledCharge)
  async settledCharge(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { agreementId, periodNumber } = parseOrThrow(settledChargeSchema, data);
    const { rows } = await this.deps.pool.query(
      `select id, amount, coalesce(charged_at, settled_at) as at from charges
       where operator_id = $1 and agreement_id::text = $2 and period_number = $3 and status = 'succeeded'`,
      [ctx.operatorId, agreementId, periodNumber],
    );
    const charge = rows[0];
    const settled: SettledCharge | null = charge
      ? {
          chargeId: charge.id,
          amount: { amount: charge.amount, currency: 'NOK' },
          chargedAt: charge.at.toISOString(),
        }
      : null;
    return { charge: settled };
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

  @MessagePattern(PAYMENT_SUBJECTS.removeMethod)
  async remove(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    await removePaymentMethod(this.deps, data, ctx);
    return {};
  }

  @MessagePattern(PAYMENT_SUBJECTS.adminListReceipts)
  adminReceipts(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return adminListReceipts(this.deps.pool, ctx, data);
  }

  @MessagePattern(PAYMENT_SUBJECTS.adminReceiptsCsv)
  adminReceiptsCsv(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return adminReceiptsCsv(this.deps.pool, ctx, data);
  }

  @MessagePattern(PAYMENT_SUBJECTS.runRenewals)
  runRenewals(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return runRenewalsRequest(this.deps, data, ctx);
  }

  @MessagePattern(PAYMENT_SUBJECTS.pspWebhook)
  pspWebhook(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return receivePspWebhook(this.deps, data, ctx);
  }
}
