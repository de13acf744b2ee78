// Operator routes of payments: the receipt export (JSON, or CSV for the ledger with
// `Accept: text/csv`) and the renewal run.
import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  adminReceiptsSchema,
  PAYMENT_SUBJECTS,
  runRenewalsSchema,
  type Receipt,
  type RenewalRun,
} from '@parking/contracts/payment';
import type { FastifyReply } from 'fastify';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { listOf, receiptResponse, renewalRunResponse } from '@parking/contracts/responses';

const CSV_HEADER = 'number,date,kind,net,vat,total,product\r\n';

@Controller('v1/admin')
@Roles('operator')
export class PaymentAdminController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Get('receipts')
  @ApiDoc({
    operationId: 'listOperatorReceipts',
    tag: 'Receipts (operator)',
    response: listOf(receiptResponse),
    description:
      'With `Accept: text/csv` the answer is the accounting export of the whole range as `text/csv` (an attachment, receipts.csv).',
    summary: "The operator's receipts; Accept: text/csv gives the accounting export",
    query: adminReceiptsSchema,
  })
  async receipts(
    @Query() query: Record<string, string>,
    @Headers('accept') accept: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res() reply: FastifyReply,
  ) {
    const q = parseOrThrow(adminReceiptsSchema, query);
    if (!/text\/csv/i.test(accept ?? '')) {
      const page = await this.deps.rpc.request<{ items: Receipt[]; nextCursor: string | null }>(
        PAYMENT_SUBJECTS.adminListReceipts,
        q,
        ctx,
      );
      return reply.status(200).send(page);
    }
    // The whole range, a page of CSV lines at a time (a NATS message carries at most 1 MiB), streamed:
    // the gateway holds one page, never the whole export. The first page is fetched before the answer
    // starts, so that a refusal is still a problem+json; a failure later cuts the download short.
    const page = (cursor?: string) =>
      this.deps.rpc.request<{ csv: string; nextCursor: string | null }>(
        PAYMENT_SUBJECTS.adminReceiptsCsv,
        { from: q.from, to: q.to, cursor },
        ctx,
        { timeoutMs: 30_000 },
      );
    const first = await page();
    const logger = this.deps.logger;
    async function* lines() {
      yield CSV_HEADER + first.csv;
      let cursor = first.nextCursor;
      while (cursor) {
        const next = await page(cursor);
        yield next.csv;
        cursor = next.nextCursor;
      }
    }
    const body = Readable.from(lines());
    body.on('error', (err) => logger.warn({ err }, 'receipt export cut short'));
    return reply
      .status(200)
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="receipts.csv"')
      .send(body);
  }

  @Post('renewals/run')
  @HttpCode(200)
  @ApiDoc({
    operationId: 'runRenewals',
    tag: 'Renewals (operator)',
    response: renewalRunResponse,
    errors: { 422: 'In production, asOf in the future' },
    summary: 'Do everything due at asOf (default now): renewal charges, retries, ending agreements',
    body: runRenewalsSchema,
  })
  run(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(runRenewalsSchema, body ?? {});
    return this.deps.rpc.request<RenewalRun>(PAYMENT_SUBJECTS.runRenewals, request, ctx, {
      timeoutMs: 300_000,
    });
  }
}
