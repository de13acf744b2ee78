// NATS handlers of identity.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { IDENTITY_SUBJECTS } from '@parking/contracts/identity';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import { devSms, me, notify } from './commands/people.js';
import { deviceToken, login, logout, refresh, requestOtp, verifyOtp } from './commands/sessions.js';
import { DEPS, type Deps } from './deps.js';
import { listOperators } from './operators/operators.js';

@Controller()
@UseInterceptors(EnvelopeInterceptor)
export class IdentityController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @MessagePattern(IDENTITY_SUBJECTS.requestOtp)
  requestOtp(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return requestOtp(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.verifyOtp)
  verifyOtp(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return verifyOtp(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.login)
  login(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return login(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.refresh)
  refresh(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return refresh(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.logout)
  logout(@Payload() data: unknown) {
    return logout(this.deps, data);
  }

  @MessagePattern(IDENTITY_SUBJECTS.deviceToken)
  deviceToken(@Payload() data: unknown) {
    return deviceToken(this.deps, data);
  }

  @MessagePattern(IDENTITY_SUBJECTS.keys)
  keys() {
    return this.deps.keys.publicKeys();
  }

  @MessagePattern(IDENTITY_SUBJECTS.listOperators)
  operators() {
    return listOperators(this.deps.pool, this.deps.config.DEFAULT_OPERATOR);
  }

  @MessagePattern(IDENTITY_SUBJECTS.me)
  me(@RpcContext() ctx: RequestContext) {
    return me(this.deps, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.devSms)
  devSms(@Payload() data: unknown) {
    return devSms(this.deps, data);
  }

  @MessagePattern(IDENTITY_SUBJECTS.notify)
  notify(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return notify(this.deps, data, ctx);
  }
}
