// Agreement routes (customers): purchase (201 active / 202 pending payment / 402 declined, waiting up to
// 5 s for the first charge), list and read agreements, their history, vehicles, cancel and withdraw.
import { Body, Controller, Get, Headers, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { parseOrThrow, vehicleSchema, type RequestContext } from '@parking/contracts';
import {
  AGREEMENT_SUBJECTS,
  changePaymentMethodSchema,
  purchaseSchema,
  type Agreement,
} from '@parking/contracts/agreement';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { replyWith, userIdOf } from '../../http/idempotency.js';
import { idempotencyKeyOf } from '../../http/idempotency-key.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import {
  agreementResponse,
  customerVehicleResponse,
  historyEntryResponse,
  listOf,
} from '@parking/contracts/responses';

const tag = 'Agreements';
/** How long the agreement service waits for the first charge, and how long we wait for its answer. */
const PURCHASE_WAIT_MS = 5_000;
const PURCHASE_TIMEOUT_MS = 8_000;
const id = z.string().min(1).max(100);
const vehiclesBody = z.object({ vehicles: z.array(vehicleSchema).min(1).max(3) });

const paymentMethodBody = changePaymentMethodSchema.omit({ agreementId: true });

@Controller('v1')
@Roles('customer')
export class AgreementController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Post('agreements')
  @ApiDoc({
    operationId: 'purchaseAgreement',
    tag,
    response: agreementResponse,
    errors: {
      402: 'The card was declined: the agreement exists with status failed, no money was taken',
      409: 'Sold out, or a request with the same Idempotency-Key is still in flight',
      422: 'A business rule refuses it (which, in `errors`), or the Idempotency-Key was used with another body',
    },
    example: {
      productId: 'product-id',
      acceptedTermsId: 'terms-id',
      vehicles: [{ plate: 'EK12345' }],
      paymentMethodId: 'payment-method-id',
    },
    summary: 'Buy an agreement',
    body: purchaseSchema,
    responses: { 201: 'Active (paid)', 202: 'Pending payment' },
  })
  async purchase(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res() reply: FastifyReply,
  ) {
    const request = {
      ...parseOrThrow(purchaseSchema, body),
      ...idempotencyKeyOf(key),
      waitMs: PURCHASE_WAIT_MS,
    };
    const answer = await this.deps.idempotency.run(
      { operatorId: ctx.operatorId, userId: userIdOf(ctx), route: 'POST /v1/agreements' },
      request.idempotencyKey,
      body,
      async () => {
        const agreement = await this.deps.rpc.request<Agreement>(AGREEMENT_SUBJECTS.purchase, request, ctx, {
          timeoutMs: PURCHASE_TIMEOUT_MS,
        });
        return { status: agreement.status === 'pending_payment' ? 202 : 201, body: agreement };
      },
    );
    return replyWith(reply, answer);
  }

  @Get('agreements')
  @ApiDoc({
    operationId: 'listAgreements',
    tag,
    response: listOf(agreementResponse),
    summary: "The customer's agreements, newest first",
  })
  async list(@Ctx() ctx: RequestContext) {
    return withCursor(await this.deps.rpc.request<{ items: Agreement[] }>(AGREEMENT_SUBJECTS.list, {}, ctx));
  }

  @Get('agreements/:id')
  @ApiDoc({ operationId: 'getAgreement', tag, response: agreementResponse, summary: 'An agreement' })
  get(@Param('id') agreementId: string, @Ctx() ctx: RequestContext) {
    return this.deps.rpc.request<Agreement>(
      AGREEMENT_SUBJECTS.get,
      { agreementId: checkId(agreementId) },
      ctx,
    );
  }

  @Get('agreements/:id/history')
  @ApiDoc({
    operationId: 'getAgreementHistory',
    tag,
    response: listOf(historyEntryResponse),
    summary: "An agreement's history, oldest first",
  })
  async history(@Param('id') agreementId: string, @Ctx() ctx: RequestContext) {
    const request = { agreementId: checkId(agreementId) };
    return withCursor(
      await this.deps.rpc.request<{ items: unknown[] }>(AGREEMENT_SUBJECTS.history, request, ctx),
    );
  }

  @Put('agreements/:id/vehicles')
  @ApiDoc({
    operationId: 'changeAgreementVehicles',
    tag,
    response: agreementResponse,
    errors: { 422: 'More vehicles than the product allows, or the agreement has ended' },
    summary: "Replace an agreement's vehicles",
    body: vehiclesBody,
  })
  changeVehicles(@Param('id') agreementId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const { vehicles } = parseOrThrow(vehiclesBody, body);
    const request = { agreementId: checkId(agreementId), vehicles };
    return this.deps.rpc.request<Agreement>(AGREEMENT_SUBJECTS.changeVehicles, request, ctx);
  }

  @Post('agreements/:id/cancel')
  @ApiDoc({
    operationId: 'cancelAgreement',
    tag,
    response: agreementResponse,
    errors: { 409: 'Not cancellable in its status' },
    summary: 'Cancel at the end of the paid period',
    responses: { 200: 'cancelled_at_period_end' },
  })
  cancel(@Param('id') agreementId: string, @Ctx() ctx: RequestContext, @Res() reply: FastifyReply) {
    return this.forward(AGREEMENT_SUBJECTS.cancel, agreementId, ctx, reply);
  }

  @Post('agreements/:id/withdraw')
  @ApiDoc({
    operationId: 'withdrawAgreement',
    tag,
    response: agreementResponse,
    errors: { 409: 'More than 14 days after the purchase' },
    summary: 'Withdraw within 14 days of purchase, with a refund',
    responses: { 200: 'ended' },
  })
  withdraw(@Param('id') agreementId: string, @Ctx() ctx: RequestContext, @Res() reply: FastifyReply) {
    return this.forward(AGREEMENT_SUBJECTS.withdraw, agreementId, ctx, reply);
  }

  @Put('agreements/:id/payment-method')
  @ApiDoc({
    operationId: 'changeAgreementPaymentMethod',
    tag,
    response: agreementResponse,
    errors: { 422: 'The card is not active' },
    summary: 'Renew with another card (a past-due renewal is retried at once)',
    body: paymentMethodBody,
  })
  changePaymentMethod(@Param('id') agreementId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = { agreementId: checkId(agreementId), ...parseOrThrow(paymentMethodBody, body) };
    return this.deps.rpc.request<Agreement>(AGREEMENT_SUBJECTS.changePaymentMethod, request, ctx);
  }

  @Get('me/vehicles')
  @ApiDoc({
    operationId: 'listVehicles',
    tag,
    response: listOf(customerVehicleResponse),
    summary: "The vehicles on the customer's current and future agreements",
  })
  async vehicles(@Ctx() ctx: RequestContext) {
    return withCursor(
      await this.deps.rpc.request<{ items: unknown[] }>(AGREEMENT_SUBJECTS.listVehicles, {}, ctx),
    );
  }

  private async forward(subject: string, agreementId: string, ctx: RequestContext, reply: FastifyReply) {
    const agreement = await this.deps.rpc.request<Agreement>(
      subject,
      { agreementId: checkId(agreementId) },
      ctx,
    );
    return reply.status(200).send(agreement);
  }
}

function checkId(value: string): string {
  return parseOrThrow(id, value, 'id');
}
