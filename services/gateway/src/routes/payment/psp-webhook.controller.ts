// The PSP's signed notifications. The payment service checks the signature over the raw bytes of the
// body, as the PSP sent them (the app keeps them: `rawBody`), never over JSON parsed and written back —
// a real PSP's whitespace, key order or escapes would not survive that. The sandbox signs in
// `psp-signature`, Stripe in `stripe-signature` (its own scheme: timestamp and HMAC).
import { Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { AppError, type RequestContext } from '@parking/contracts';
import { PAYMENT_SUBJECTS } from '@parking/contracts/payment';
import type { FastifyRequest } from 'fastify';
import { DEPS, type Deps } from '../../deps.js';
import { NoOperator } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { webhookReceivedResponse } from '@parking/contracts/responses';

@Controller('v1/psp')
export class PspWebhookController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Post('webhooks')
  @NoOperator()
  @HttpCode(200)
  @ApiDoc({
    operationId: 'receivePspWebhook',
    tag: 'Payment methods',
    response: webhookReceivedResponse,
    errors: { 401: 'Bad signature' },
    summary: "The PSP's signed notifications (psp-signature: HMAC-SHA256; or Stripe's stripe-signature)",
  })
  async receive(
    @Req() req: FastifyRequest & { rawBody?: Buffer },
    @Headers('psp-signature') pspSignature: string | undefined,
    @Headers('stripe-signature') stripeSignature: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    const signature = stripeSignature ?? pspSignature;
    if (!signature)
      throw new AppError('VALIDATION', 'The psp-signature header is missing', {
        fields: [{ path: 'psp-signature', message: 'required' }],
      });
    if (!req.rawBody)
      throw new AppError('VALIDATION', 'The notification has no JSON body', {
        fields: [{ path: 'body', message: 'a JSON body is required' }],
      });
    const payload = req.rawBody.toString('utf8');
    const scheme = stripeSignature ? 'stripe' : 'sandbox';
    await this.deps.rpc.request(PAYMENT_SUBJECTS.pspWebhook, { payload, signature, scheme }, ctx);
    return { received: true };
  }
}
