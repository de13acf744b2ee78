// Identity routes: sign-in by SMS code or password, tokens, the profile, the request's operator and the
// dev SMS inbox. Rate limits are identity's (it sees the client address in the context).
import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put, Query } from '@nestjs/common';
import { AppError, normalisePhone, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  publicOperatorOf,
  deviceTokenSchema,
  IDENTITY_SUBJECTS,
  loginSchema,
  passwordSchema,
  profileSchema,
  refreshSchema,
  requestOtpSchema,
  verifyOtpSchema,
  type DevSms,
  type DeviceTokenResponse,
  type Me,
  type Operator,
  type OtpChallenge,
  type PersonalDataExport,
  type TokenResponse,
} from '@parking/contracts/identity';
import { z } from 'zod';
import { DEPS, type Deps } from '../../deps.js';
import { AnyUser, NoOperator } from '../../http/access.js';
import { Ctx, CurrentOperator } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import {
  devSmsResponse,
  deviceTokenResponse,
  emptyResponse,
  listOf,
  meResponse,
  otpChallengeResponse,
  personalDataExportResponse,
  publicOperatorResponse,
  refreshedTokenResponse,
  tokenResponse,
} from '@parking/contracts/responses';

const devSmsQuery = z.object({ phone: z.string().max(32).optional() });
const tag = 'Identity';

@Controller('v1')
export class IdentityController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Post('auth/otp')
  @HttpCode(202)
  @ApiDoc({
    tag,
    response: otpChallengeResponse,
    errors: { 429: 'Past the send limit for this phone' },
    example: { phone: '+4791234567' },
    summary: 'Send a sign-in code by SMS',
    body: requestOtpSchema,
    responses: { 202: 'Code sent' },
  })
  requestOtp(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(requestOtpSchema, body);
    return this.deps.rpc.request<OtpChallenge>(IDENTITY_SUBJECTS.requestOtp, request, ctx);
  }

  @Post('auth/otp/verify')
  @HttpCode(200)
  @ApiDoc({
    tag,
    response: tokenResponse,
    errors: {
      401: 'Wrong code',
      404: 'No such challenge at this operator',
      410: 'Expired, or five wrong tries',
      429: 'Too many attempts',
    },
    example: { challengeId: 'challenge-id', code: '479037' },
    summary: 'Exchange the SMS code for tokens',
    body: verifyOtpSchema,
  })
  verifyOtp(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(verifyOtpSchema, body);
    return this.deps.rpc.request<TokenResponse>(IDENTITY_SUBJECTS.verifyOtp, request, ctx);
  }

  @Post('auth/login')
  @HttpCode(200)
  @ApiDoc({
    tag,
    response: tokenResponse,
    errors: { 401: 'Phone or password does not match', 429: 'Too many attempts' },
    example: { phone: '+4790000001', password: 'demo-password-1' },
    summary: 'Sign in with phone and password',
    body: loginSchema,
  })
  login(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(loginSchema, body);
    return this.deps.rpc.request<TokenResponse>(IDENTITY_SUBJECTS.login, request, ctx);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @ApiDoc({
    tag,
    response: refreshedTokenResponse,
    errors: { 401: 'Unknown, expired or reused (a reuse revokes the session family)' },
    summary: 'New tokens for a refresh token',
    body: refreshSchema,
  })
  refresh(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(refreshSchema, body);
    return this.deps.rpc.request<Omit<TokenResponse, 'user'>>(IDENTITY_SUBJECTS.refresh, request, ctx);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @AnyUser()
  @ApiDoc({
    tag,
    errors: { 401: 'Unknown refresh token' },
    summary: 'End the session of a refresh token',
    body: refreshSchema,
    responses: { 204: 'Signed out' },
  })
  async logout(@Body() body: unknown, @Ctx() ctx: RequestContext): Promise<void> {
    const request = parseOrThrow(refreshSchema, body);
    await this.deps.rpc.request(IDENTITY_SUBJECTS.logout, request, ctx);
  }

  @Post('auth/token')
  @HttpCode(200)
  @ApiDoc({
    tag,
    response: deviceTokenResponse,
    errors: { 401: 'Client id or secret does not match', 429: 'Too many attempts' },
    example: { clientId: 'demo-camera', clientSecret: 'demo-camera-secret' },
    summary: "A device's access token for its client credentials",
    body: deviceTokenSchema,
  })
  deviceToken(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(deviceTokenSchema, body);
    return this.deps.rpc.request<DeviceTokenResponse>(IDENTITY_SUBJECTS.deviceToken, request, ctx);
  }

  @Get('me')
  @AnyUser()
  @ApiDoc({
    operationId: 'getMe',
    tag,
    response: meResponse,
    summary: 'The signed-in person, with the roles held at the token’s operator',
  })
  me(@Ctx() ctx: RequestContext) {
    return this.deps.rpc.request<Me>(IDENTITY_SUBJECTS.me, {}, ctx);
  }

  @Put('me')
  @AnyUser()
  @ApiDoc({
    tag,
    response: meResponse,
    summary: 'Change the profile (name, e-mail, optional postal address)',
    body: profileSchema,
  })
  updateProfile(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(profileSchema, body);
    return this.deps.rpc.request<Me>(IDENTITY_SUBJECTS.updateProfile, request, ctx);
  }

  @Put('me/password')
  @HttpCode(204)
  @AnyUser()
  @ApiDoc({
    tag,
    errors: { 422: 'Too short' },
    summary: 'Set the password for the web portal (at least 10 characters)',
    body: passwordSchema,
    responses: { 204: 'Set' },
  })
  async setPassword(@Body() body: unknown, @Ctx() ctx: RequestContext): Promise<void> {
    const request = parseOrThrow(passwordSchema, body);
    await this.deps.rpc.request(IDENTITY_SUBJECTS.setPassword, request, ctx);
  }

  @Get('me/export')
  @AnyUser()
  @ApiDoc({
    tag,
    response: personalDataExportResponse,
    summary: 'Everything held about me, with every operator',
  })
  exportMe(@Ctx() ctx: RequestContext) {
    return this.deps.rpc.request<PersonalDataExport>(IDENTITY_SUBJECTS.exportMe, {}, ctx, {
      timeoutMs: 15_000,
    });
  }

  @Delete('me')
  @HttpCode(202)
  @AnyUser()
  @ApiDoc({
    tag,
    response: emptyResponse,
    summary: 'Erase me: agreements end at period end, profile and card tokens are erased',
    responses: { 202: 'Erasure accepted' },
  })
  async eraseMe(@Ctx() ctx: RequestContext): Promise<Record<string, never>> {
    await this.deps.rpc.request(IDENTITY_SUBJECTS.eraseMe, {}, ctx);
    return {};
  }

  @Get('operator')
  @ApiDoc({
    operationId: 'getOperator',
    tag,
    response: publicOperatorResponse,
    summary: "The request's operator (seller and branding)",
  })
  operator(@CurrentOperator() operator: Operator) {
    return publicOperatorOf(operator);
  }

  @Get('dev/sms')
  @NoOperator()
  @ApiDoc({
    tag,
    response: listOf(devSmsResponse),
    errors: { 404: 'Not in dev mode (the SMS provider is not the dev inbox)' },
    summary: 'Dev mode only: the SMS inbox, newest first, for every operator',
    query: devSmsQuery,
  })
  async devSms(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    if (this.deps.config.NODE_ENV === 'production')
      throw new AppError('NOT_FOUND', 'No route GET /v1/dev/sms');
    const { phone } = parseOrThrow(devSmsQuery, query);
    const request = phone === undefined ? {} : { phone: normalisePhone(phone) ?? phone };
    return withCursor(
      await this.deps.rpc.request<{ items: DevSms[] }>(IDENTITY_SUBJECTS.devSms, request, ctx),
    );
  }
}
