// The PSP's signed notifications. The payment service checks the HMAC over the body with its secret:
// over the raw bytes where the app keeps them (`rawBody`), else over the body as parsed and written
// back, which is byte-identical for the sandbox's compact JSON.
import { Body, Controller, Headers, HttpCode, Inject, Post, Req } from '@nestjs/common';
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
    summary: "The PSP's signed notifications (psp-signature: HMAC-SHA256)",
  })
  async receive(
    @Req() req: FastifyRequest & { rawBody?: Buffer },
    @Body() body: unknown,
    @Headers('psp-signature') signature: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    if (!signature)
      throw new AppError('VALIDATION', 'The psp-signature header is missing', {
        fields: [{ path: 'psp-signature', message: 'required' }],
      });
    const payload =
      req.rawBody?.toString('utf8') ?? (typeof body === 'string' ? body : JSON.stringify(body ?? null));
    await this.deps.rpc.request(PAYMENT_SUBJECTS.pspWebhook, { payload, signature }, ctx);
    return { received: true };
  }
}
