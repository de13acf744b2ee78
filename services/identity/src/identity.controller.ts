// NATS handlers of identity.
import { Controller, Inject, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { RequestContext } from '@parking/contracts';
import { IDENTITY_SUBJECTS } from '@parking/contracts/identity';
import { EnvelopeInterceptor, RpcContext } from '@parking/messaging';
import {
  createDevice,
  listDevices,
  revokeDevice,
  revokedDevices,
  rotateDeviceSecret,
} from './commands/devices.js';
import { devSms, eraseMe, exportMe, me, notify, setPassword, updateProfile } from './commands/people.js';
import { listUsers, setRoles } from './commands/staff.js';
import { deviceToken, login, logout, refresh, requestOtp, verifyOtp } from './commands/sessions.js';
import { DEPS, type Deps } from './deps.js';
import {
  createOperator,
  listOperators,
  setOperatorAdmins,
  setOperatorSupport,
  updateOperator,
} from './operators/operators.js';

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
  deviceToken(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return deviceToken(this.deps, data, ctx);
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

  @MessagePattern(IDENTITY_SUBJECTS.updateProfile)
  updateProfile(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return updateProfile(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.setPassword)
  setPassword(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return setPassword(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.exportMe)
  exportMe(@RpcContext() ctx: RequestContext) {
    return exportMe(this.deps, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.eraseMe)
  eraseMe(@RpcContext() ctx: RequestContext) {
    return eraseMe(this.deps, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.listUsers)
  listUsers(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return listUsers(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.setRoles)
  setRoles(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return setRoles(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.createDevice)
  createDevice(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return createDevice(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.listDevices)
  listDevices(@RpcContext() ctx: RequestContext) {
    return listDevices(this.deps, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.rotateDeviceSecret)
  rotateDeviceSecret(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return rotateDeviceSecret(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.revokeDevice)
  revokeDevice(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return revokeDevice(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.revokedDevices)
  revokedDevices() {
    return revokedDevices(this.deps);
  }

  @MessagePattern(IDENTITY_SUBJECTS.createOperator)
  createOperator(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return createOperator(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.platformOperators)
  platformOperators() {
    return listOperators(this.deps.pool, this.deps.config.DEFAULT_OPERATOR);
  }

  @MessagePattern(IDENTITY_SUBJECTS.updateOperator)
  updateOperator(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return updateOperator(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.setOperatorSupport)
  setOperatorSupport(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return setOperatorSupport(this.deps, data, ctx);
  }

  @MessagePattern(IDENTITY_SUBJECTS.setOperatorAdmins)
  setOperatorAdmins(@Payload() data: unknown, @RpcContext() ctx: RequestContext) {
    return setOperatorAdmins(this.deps, data, ctx);
  }
}
