// An operator's admins: its people and their roles, and its devices (machine credentials).
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { CATALOGUE_SUBJECTS, type City, type Items, type Location } from '@parking/contracts/catalogue';
import {
  createDeviceSchema,
  IDENTITY_SUBJECTS,
  listUsersSchema,
  operatorSupportSchema,
  setRolesSchema,
  type PublicOperator,
  type AdminUser,
  type CreatedDevice,
  type Device,
} from '@parking/contracts/identity';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import {
  adminUserResponse,
  createdDeviceResponse,
  deviceResponse,
  deviceSecretResponse,
  listOf,
  publicOperatorResponse,
  userRolesResponse,
} from '@parking/contracts/responses';

const tag = 'Users and devices';
const rolesBody = setRolesSchema.omit({ userId: true });

@Controller('v1/admin')
@Roles('operator')
export class StaffController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Patch('operator')
  @ApiDoc({
    operationId: 'setOperatorSupportContacts',
    tag,
    response: publicOperatorResponse,
    summary: "Set this operator's customer-service phone and e-mail (shown by GET /v1/operator)",
    body: operatorSupportSchema,
  })
  async setSupport(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(operatorSupportSchema, body);
    const operator = await this.deps.rpc.request<PublicOperator>(
      IDENTITY_SUBJECTS.setOperatorSupport,
      request,
      ctx,
    );
    // This replica answers GET /v1/operator with the change at once; the others on OperatorChanged.
    await this.deps.operators.refresh();
    return operator;
  }

  @Get('users')
  @ApiDoc({
    operationId: 'listUsers',
    tag,
    response: listOf(adminUserResponse),
    summary: "The operator's customers and staff",
    query: listUsersSchema,
  })
  async users(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(listUsersSchema, query);
    return withCursor(
      await this.deps.rpc.request<{ items: AdminUser[] }>(IDENTITY_SUBJECTS.listUsers, request, ctx),
    );
  }

  @Put('users/:userId/roles')
  @ApiDoc({
    tag,
    response: userRolesResponse,
    summary: "Set a person's roles at this operator (effective at their next token)",
    body: rolesBody,
  })
  setRoles(@Param('userId') userId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = { userId, ...parseOrThrow(rolesBody, body) };
    return this.deps.rpc.request(IDENTITY_SUBJECTS.setRoles, request, ctx);
  }

  @Post('devices')
  @HttpCode(201)
  @ApiDoc({
    tag,
    response: createdDeviceResponse,
    summary: 'Create a device (the secret is shown once)',
    body: createDeviceSchema,
    responses: { 201: 'Created' },
  })
  async createDevice(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(createDeviceSchema, body);
    if (request.zoneIds?.length) await this.checkZones(request.zoneIds, ctx);
    return this.deps.rpc.request<CreatedDevice>(IDENTITY_SUBJECTS.createDevice, request, ctx);
  }

  /** API.md: an id that does not exist for this operator is 422 naming it (`zoneIds.N`). */
  private async checkZones(zoneIds: string[], ctx: RequestContext): Promise<void> {
    const cities = await this.deps.rpc.request<Items<City>>(CATALOGUE_SUBJECTS.listCities, {}, ctx);
    const known = new Set<string>();
    for (const city of cities.items) {
      const locations = await this.deps.rpc.request<Items<Location>>(
        CATALOGUE_SUBJECTS.listLocations,
        { cityId: city.id },
        ctx,
      );
      for (const location of locations.items) for (const zone of location.zones) known.add(zone.id);
    }
    const errors = zoneIds.flatMap((zoneId, i) =>
      known.has(zoneId) ? [] : [{ path: `zoneIds.${i}`, message: 'no such zone at this operator' }],
    );
    if (errors.length) throw new AppError('RULE_VIOLATED', 'A zone does not exist', { fields: errors });
  }

  @Get('devices')
  @ApiDoc({
    operationId: 'listDevices',
    tag,
    response: listOf(deviceResponse),
    summary: "The operator's devices",
  })
  async devices(@Ctx() ctx: RequestContext) {
    return withCursor(
      await this.deps.rpc.request<{ items: Device[] }>(IDENTITY_SUBJECTS.listDevices, {}, ctx),
    );
  }

  @Post('devices/:id/rotate-secret')
  @HttpCode(200)
  @ApiDoc({
    operationId: 'rotateDeviceSecret',
    tag,
    response: deviceSecretResponse,
    summary: "Replace a device's secret (shown once)",
  })
  rotate(@Param('id') deviceId: string, @Ctx() ctx: RequestContext) {
    return this.deps.rpc.request(IDENTITY_SUBJECTS.rotateDeviceSecret, { deviceId }, ctx);
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @ApiDoc({
    operationId: 'revokeDevice',
    tag,
    summary: 'Revoke a device (its tokens stop working at once)',
    responses: { 204: 'Revoked' },
  })
  async revoke(@Param('id') deviceId: string, @Ctx() ctx: RequestContext): Promise<void> {
    await this.deps.rpc.request(IDENTITY_SUBJECTS.revokeDevice, { deviceId }, ctx);
    this.deps.revokedDevices.add(deviceId);
  }
}
