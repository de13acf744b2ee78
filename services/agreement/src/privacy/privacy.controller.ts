// The agreement service's part of a person's data export: their agreements at the request's operator,
// each with its history.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { PRIVACY_EXPORT_SUBJECTS } from '@parking/contracts/identity';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { z } from 'zod';
import { DEPS, type Deps } from '../deps.js';
import { STREAM_PREFIX } from '../projections/agreements/agreements.projection.js';

const exportSchema = z.object({ userId: z.string().min(1).max(100) });

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class PrivacyController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(PRIVACY_EXPORT_SUBJECTS.agreement)
  async export(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { userId } = parseOrThrow(exportSchema, data);
    // Only identity asks, on behalf of the person themself.
    if (ctx.caller.kind !== 'user' || ctx.caller.userId !== userId)
      throw new AppError('FORBIDDEN', 'Only the person may export their data');
    const { rows } = await this.deps.pool.query(
      'select id, view from agreements where operator_id = $1 and user_id = $2 order by created_at',
      [ctx.operatorId, userId],
    );
    const agreements = [];
    for (const r of rows) {
      const events = await this.deps.store.readStream(`${STREAM_PREFIX}${r.id}`);
      agreements.push({
        ...r.view,
        history: events.map((e) => ({ type: e.type, at: e.createdAt.toISOString(), data: e.data })),
      });
    }
    return { agreements };
  }
}
