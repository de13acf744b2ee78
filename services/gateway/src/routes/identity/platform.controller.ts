// The platform's staff: operators (tenants) and each operator's first admins. These routes ignore the
// request's operator.
import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  IDENTITY_SUBJECTS,
  newOperatorSchema,
  operatorAdminsSchema,
  operatorPatchSchema,
  type Operator,
  type OperatorList,
} from '@parking/contracts/identity';
import { DEPS, type Deps } from '../../deps.js';
import { NoOperator, Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { listOf, operatorAdminsResponse, operatorResponse } from '@parking/contracts/responses';

const tag = 'Operators (platform)';

@Controller('v1/platform')
@Roles('platform')
@NoOperator()
export class PlatformController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Post('operators')
  @HttpCode(201)
  @ApiDoc({
    operationId: 'createOperator',
    tag,
    response: operatorResponse,
    errors: { 409: 'The slug or a host is taken' },
    summary: 'Create an operator',
    body: newOperatorSchema,
    responses: { 201: 'Created' },
  })
  async create(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(newOperatorSchema, body);
    const operator = await this.deps.rpc.request<Operator>(IDENTITY_SUBJECTS.createOperator, request, ctx);
    await this.deps.operators.refresh();
    return operator;
  }

  @Get('operators')
  @ApiDoc({
    operationId: 'listOperators',
    tag,
    response: listOf(operatorResponse),
    summary: 'Every operator',
  })
  async list(@Ctx() ctx: RequestContext) {
    const { items } = await this.deps.rpc.request<OperatorList>(IDENTITY_SUBJECTS.platformOperators, {}, ctx);
    return { items, nextCursor: null };
  }

  @Patch('operators/:id')
  @ApiDoc({
    operationId: 'updateOperator',
    tag,
    response: operatorResponse,
    errors: { 409: 'A host is taken' },
    summary: "Change an operator's settings",
    body: operatorPatchSchema,
  })
  async update(@Param('id') id: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const patch = parseOrThrow(operatorPatchSchema, body);
    const operator = await this.deps.rpc.request<Operator>(
      IDENTITY_SUBJECTS.updateOperator,
      { id, patch },
      ctx,
    );
    await this.deps.operators.refresh();
    return operator;
  }

  @Put('operators/:id/admins')
  @ApiDoc({
    operationId: 'setOperatorAdmins',
    tag,
    response: operatorAdminsResponse,
    summary: "Name an operator's admins",
    body: operatorAdminsSchema,
  })
  setAdmins(@Param('id') id: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { phones } = parseOrThrow(operatorAdminsSchema, body);
    return this.deps.rpc.request<{ phones: string[] }>(
      IDENTITY_SUBJECTS.setOperatorAdmins,
      { id, phones },
      ctx,
    );
  }
}
