// NATS handlers of the customer's agreement reads.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AppError, hasRole, parseOrThrow, type RequestContext } from '@parking/contracts';
import { adminSearchSchema, AGREEMENT_SUBJECTS, getAgreementSchema } from '@parking/contracts/agreement';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { DEPS, type Deps } from '../../deps.js';
import {
  getAgreement,
  listAgreements,
  listVehicles,
  operatorAgreement,
  searchAgreements,
} from './agreements.queries.js';
import { customerHistory, operatorHistory } from './history.js';

function requireOperator(ctx: RequestContext): void {
  if (!hasRole(ctx.caller, 'operator')) throw new AppError('FORBIDDEN', 'Needs the role operator');
}

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

  @MessagePattern(AGREEMENT_SUBJECTS.history)
  history(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    const { agreementId } = parseOrThrow(getAgreementSchema, data);
    return customerHistory(this.deps, ctx, agreementId);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.listVehicles)
  vehicles(@RpcContext() ctx: RequestContext) {
    return listVehicles(this.deps.pool, ctx);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.adminList)
  search(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    requireOperator(ctx);
    return searchAgreements(this.deps.pool, ctx, parseOrThrow(adminSearchSchema, data ?? {}));
  }

  @MessagePattern(AGREEMENT_SUBJECTS.adminGet)
  adminGet(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    requireOperator(ctx);
    return operatorAgreement(this.deps.pool, ctx, parseOrThrow(getAgreementSchema, data).agreementId);
  }

  @MessagePattern(AGREEMENT_SUBJECTS.adminHistory)
  adminHistory(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    requireOperator(ctx);
    return operatorHistory(this.deps, ctx, parseOrThrow(getAgreementSchema, data).agreementId);
  }
}
