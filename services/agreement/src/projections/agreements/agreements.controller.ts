// NATS handlers of the customer's agreement reads.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import { AGREEMENT_SUBJECTS, getAgreementSchema } from '@parking/contracts/agreement';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from '../../deps.js';
import { getAgreement, listAgreements } from './agreements.queries.js';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class AgreementsQueryController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(AGREEMENT_SUBJECTS.get)
  get(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { agreementId } = parseOrThrow(getAgreementSchema, data);
    return getAgreement(this.deps.pool, ctx, agreementId);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.list)
  list(@Payload() _data: unknown, @RpcContext() ctx: RequestContext) {
    return listAgreements(this.deps.pool, ctx);
  }
}
