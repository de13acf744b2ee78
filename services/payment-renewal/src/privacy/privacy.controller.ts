// The payment service's part of a person's data export: their cards (never the PSP tokens) and
// receipts at the request's operator.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { PRIVACY_EXPORT_SUBJECTS } from '@parking/contracts/identity';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { z } from 'zod';
import { DEPS, type Deps } from '../deps.js';

const exportSchema = z.object({ userId: z.string().min(1).max(100) });

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class PrivacyController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(PRIVACY_EXPORT_SUBJECTS.payment)
  async export(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { userId } = parseOrThrow(exportSchema, data);
    if (ctx.caller.kind !== 'user' || ctx.caller.userId !== userId)
      throw new AppError('FORBIDDEN', 'Only the person may export their data');
    const methods = await this.deps.pool.query(
      `select id, brand, last4, exp_month, exp_year, status, created_at, deleted_at from payment_methods
       where operator_id = $1 and user_id = $2 order by created_at`,
      [ctx.operatorId, userId],
    );
    const receipts = await this.deps.pool.query(
      'select body from receipts where operator_id = $1 and user_id = $2 order by issued_at',
      [ctx.operatorId, userId],
    );
    return {
      paymentMethods: methods.rows.map((m) => ({
        id: m.id,
        brand: m.brand,
        last4: m.last4,
        expMonth: m.exp_month,
        expYear: m.exp_year,
        status: m.status,
        createdAt: m.created_at.toISOString(),
        deletedAt: m.deleted_at?.toISOString() ?? null,
      })),
      receipts: receipts.rows.map((r) => r.body),
    };
  }
}
