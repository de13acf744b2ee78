// NATS handlers of enforcement (the plate checks themselves are served leaner: checks/lean-server.ts).
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
import { withDatabase } from './db-errors.js';
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

  @MessagePattern(ENFORCEMENT_SUBJECTS.whitelist)
  whitelist(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return this.checks.whitelist(data, ctx, this.clock.now());
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.observe)
  observe(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return withDatabase(() => observe(this.deps, data, ctx, this.clock.now()));
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.listViolations)
  violations(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return withDatabase(() => listViolations(this.deps.pool, this.deps.index, data, ctx, this.clock.now()));
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.issueSanction)
  issueSanction(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return withDatabase(() => issueSanction(this.deps, data, ctx, this.clock.now()));
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.listSanctions)
  sanctions(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return withDatabase(() => listSanctions(this.deps.pool, data, ctx, this.clock.now()));
  }

  @MessagePattern(ENFORCEMENT_SUBJECTS.cancelSanction)
  cancelSanction(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return withDatabase(() => cancelSanction(this.deps, data, ctx, this.clock.now()));
  }
}
