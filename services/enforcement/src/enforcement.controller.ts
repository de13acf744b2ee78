// NATS handlers of enforcement.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { ENFORCEMENT_SUBJECTS } from '@parking/contracts/enforcement';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import type { Clock } from '@parking/platform';
import { Checks } from './checks/checks.js';
import { observe } from './observations/observe.js';
import { cancelSanction, issueSanction, listSanctions } from './sanctions/sanctions.js';
import { listViolations } from './violations/violations.js';
import type { EnforcementDeps } from './deps.js';

export const DEPS = 'ENFORCEMENT_DEPS';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class EnforcementController {
  private readonly checks: Checks;

  constructor(@Inject(DEPS) private readonly deps: EnforcementDeps) {
    this.checks = new Checks(deps.index, deps.checkLog);
  }

  private get clock(): Clock {
    return this.deps.clock;
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.check)
  check(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return this.checks.checkOne(data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.checks)
  checkMany(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return this.checks.checkMany(data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.whitelist)
  whitelist(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return this.checks.whitelist(data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.observe)
  observe(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return observe(this.deps, data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.listViolations)
  violations(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return listViolations(this.deps.pool, this.deps.index, data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.issueSanction)
  issueSanction(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return issueSanction(this.deps, data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.listSanctions)
  sanctions(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return listSanctions(this.deps.pool, data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.cancelSanction)
  cancelSanction(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return cancelSanction(this.deps, data, ctx, this.clock.now());
  }
}
