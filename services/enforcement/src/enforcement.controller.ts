// NATS handlers of enforcement.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { ENFORCEMENT_SUBJECTS } from '@parking/contracts/enforcement';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import type { Clock } from '@parking/platform';
import { checkMany, checkOne } from './checks/checks.js';
import type { PlateIndex } from './projections/plate-index.js';

export const INDEX = 'PLATE_INDEX';
export const CLOCK = 'CLOCK';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class EnforcementController {
  constructor(
    @Inject(INDEX) private readonly index: PlateIndex,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @MessagePattern(ENFORCEMENT_SUBJECTS.check)
  check(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return checkOne(this.index, data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.checks)
  checks(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return checkMany(this.index, data, ctx, this.clock.now());
  }
}
