// An operator's agreements: search by plate, user or product, one agreement and its history with who
// did what, and termination with or without a pro-rata refund.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  adminSearchSchema,
  AGREEMENT_SUBJECTS,
  terminateSchema,
  type AdminHistoryEntry,
  type Agreement,
} from '@parking/contracts/agreement';
import { z } from 'zod';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import { adminHistoryEntryResponse, agreementResponse, listOf } from '@parking/contracts/responses';

const tag = 'Agreements (operator)';
const terminateBody = terminateSchema.omit({ agreementId: true });
const id = z.string().min(1).max(100);

@Controller('v1/admin')
@Roles('operator')
export class AgreementAdminController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Get('agreements')
  @ApiDoc({
    operationId: 'searchAgreements',
    tag,
    response: listOf(agreementResponse),
    summary: "Search the operator's agreements by plate, user or product",
    query: adminSearchSchema,
  })
  async search(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(adminSearchSchema, query);
    return withCursor(
      await this.deps.rpc.request<{ items: Agreement[] }>(AGREEMENT_SUBJECTS.adminList, request, ctx),
    );
  }

  @Get('agreements/:id')
  @ApiDoc({
    operationId: 'getOperatorAgreement',
    tag,
    response: agreementResponse,
    summary: 'One agreement of the operator',
  })
  get(@Param('id') agreementId: string, @Ctx() ctx: RequestContext) {
    const request = { agreementId: parseOrThrow(id, agreementId, 'id') };
    return this.deps.rpc.request<Agreement>(AGREEMENT_SUBJECTS.adminGet, request, ctx);
  }

  @Get('agreements/:id/history')
  @ApiDoc({
    operationId: 'getOperatorAgreementHistory',
    tag,
    response: listOf(adminHistoryEntryResponse),
    summary: "An agreement's history with who did what",
  })
  async history(@Param('id') agreementId: string, @Ctx() ctx: RequestContext) {
    const request = { agreementId: parseOrThrow(id, agreementId, 'id') };
    return withCursor(
      await this.deps.rpc.request<{ items: AdminHistoryEntry[] }>(
        AGREEMENT_SUBJECTS.adminHistory,
        request,
        ctx,
      ),
    );
  }

  @Post('agreements/:id/terminate')
  @HttpCode(200)
  @ApiDoc({
    operationId: 'terminateAgreement',
    tag,
    response: agreementResponse,
    errors: { 409: 'The agreement has ended already' },
    summary: 'End an agreement now, refunding pro rata or nothing',
    body: terminateBody,
  })
  terminate(@Param('id') agreementId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = {
      agreementId: parseOrThrow(id, agreementId, 'id'),
      ...parseOrThrow(terminateBody, body),
    };
    return this.deps.rpc.request<Agreement>(AGREEMENT_SUBJECTS.terminate, request, ctx);
  }
}
