// Payment routes (customers): add a card (201 active / 202 3-D Secure challenge / 402 declined), confirm
// the challenge, list and remove cards; receipts.
import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  addPaymentMethodSchema,
  PAYMENT_SUBJECTS,
  type PaymentMethod,
  type Receipt,
} from '@parking/contracts/payment';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { replyWith, userIdOf } from '../../http/idempotency.js';
import { idempotencyKeyOf } from '../../http/idempotency-key.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import { listOf, paymentMethodResponse, receiptResponse } from '@parking/contracts/responses';

const tag = 'Payment methods';
// `code` answers an `otp` challenge; after a `redirect` challenge the body is empty (the PSP is asked).
const confirmBody = z.object({ code: z.string().min(1).max(20).optional() });
const id = z.string().min(1).max(100);

@Controller('v1')
@Roles('customer')
export class PaymentController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Post('payment-methods')
  @ApiDoc({
    operationId: 'addPaymentMethod',
    tag,
    response: paymentMethodResponse,
    errors: { 402: 'The card was declined' },
    example: { token: 'tok_visa' },
    summary: 'Add a card from a PSP token',
    body: addPaymentMethodSchema,
    responses: { 201: 'Added (active)', 202: 'Needs 3-D Secure (requires_action)' },
  })
  async add(
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res() reply: FastifyReply,
  ) {
    const request = { ...parseOrThrow(addPaymentMethodSchema, body), ...idempotencyKeyOf(key) };
    const answer = await this.deps.idempotency.run(
      { operatorId: ctx.operatorId, userId: userIdOf(ctx), route: 'POST /v1/payment-methods' },
      request.idempotencyKey,
      body,
      async () => {
        const method = await this.deps.rpc.request<PaymentMethod>(PAYMENT_SUBJECTS.addMethod, request, ctx);
        return { status: method.status === 'requires_action' ? 202 : 201, body: method };
      },
    );
    return replyWith(reply, answer);
  }

  @Post('payment-methods/:id/confirm')
  @ApiDoc({
    operationId: 'confirmPaymentMethod',
    tag,
    response: paymentMethodResponse,
    errors: { 422: 'Wrong code' },
    summary: "Confirm a card's 3-D Secure challenge",
    body: confirmBody,
  })
  async confirm(
    @Param('id') paymentMethodId: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
    @Res() reply: FastifyReply,
  ) {
    const { code } = parseOrThrow(confirmBody, body);
    parseOrThrow(id, paymentMethodId, 'id');
    const method = await this.deps.rpc.request<PaymentMethod>(
      PAYMENT_SUBJECTS.confirmMethod,
      { paymentMethodId, ...(code === undefined ? {} : { code }) },
      ctx,
    );
    return reply.status(200).send(method);
  }

  @Get('payment-methods')
  @ApiDoc({
    operationId: 'listPaymentMethods',
    tag,
    response: listOf(paymentMethodResponse),
    summary: "The customer's cards",
  })
  async list(@Ctx() ctx: RequestContext) {
    return withCursor(
      await this.deps.rpc.request<{ items: PaymentMethod[] }>(PAYMENT_SUBJECTS.listMethods, {}, ctx),
    );
  }

  @Delete('payment-methods/:id')
  @HttpCode(204)
  @ApiDoc({
    operationId: 'removePaymentMethod',
    tag,
    errors: { 409: 'An auto-renewing agreement renews with it' },
    summary: 'Remove a card (409 while an auto-renewing agreement renews with it)',
    responses: { 204: 'Removed' },
  })
  async remove(@Param('id') paymentMethodId: string, @Ctx() ctx: RequestContext) {
    parseOrThrow(id, paymentMethodId, 'id');
    await this.deps.rpc.request(PAYMENT_SUBJECTS.removeMethod, { paymentMethodId }, ctx);
  }

  @Get('receipts')
  @ApiDoc({
    operationId: 'listReceipts',
    tag: 'Receipts',
    response: listOf(receiptResponse),
    summary: "The customer's receipts, newest first",
  })
  async receipts(@Ctx() ctx: RequestContext) {
    return withCursor(
      await this.deps.rpc.request<{ items: Receipt[] }>(PAYMENT_SUBJECTS.listReceipts, {}, ctx),
    );
  }

  @Get('receipts/:id')
  @ApiDoc({ operationId: 'getReceipt', tag: 'Receipts', response: receiptResponse, summary: 'A receipt' })
  receipt(@Param('id') receiptId: string, @Ctx() ctx: RequestContext) {
    parseOrThrow(id, receiptId, 'id');
    return this.deps.rpc.request<Receipt>(PAYMENT_SUBJECTS.getReceipt, { receiptId }, ctx);
  }
}
