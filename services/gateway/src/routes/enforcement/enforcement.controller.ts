// Enforcement routes: officers and devices download a zone's whitelist and report observations (the plate
// checks themselves, one plate or up to 1000, are lean Fastify routes: lean-checks.ts); officers and operators read violations and sanctions;
// officers issue sanctions. A zone-scoped device is refused outside its zones before anything is asked.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  cancelSanctionBodySchema,
  ENFORCEMENT_SUBJECTS,
  issueSanctionBodySchema,
  listSanctionsSchema,
  listViolationsSchema,
  observationSchema,
  whitelistQuerySchema,
  type Items,
  type ObservationRecorded,
  type Sanction,
  type Violation,
  type Whitelist,
  type WhitelistPage,
} from '@parking/contracts/enforcement';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import {
  listOf,
  observationResponse,
  sanctionResponse,
  violationResponse,
  whitelistResponse,
} from '@parking/contracts/responses';

const tag = 'Enforcement';
/** A whitelist of a large zone is more than one NATS message: it comes in pages, joined here. */
const WHITELIST_PAGES_MAX = 200;

/** A device limited to some zones may act only there. */
export function assertZoneAllowed(ctx: RequestContext, zone: string): void {
  const { caller } = ctx;
  if (caller.kind === 'device' && caller.zoneIds && !caller.zoneIds.includes(zone)) {
    throw new AppError('FORBIDDEN', 'This device may not act in this zone');
  }
}

@Controller('v1/enforcement')
@Roles('officer', 'device')
export class EnforcementController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Get('whitelist')
  @ApiDoc({
    operationId: 'getWhitelist',
    tag,
    response: whitelistResponse,
    summary: 'Every plate valid in the zone now, in one answer',
    query: whitelistQuerySchema,
  })
  async whitelist(@Query() query: unknown, @Ctx() ctx: RequestContext): Promise<Whitelist> {
    const request = parseOrThrow(whitelistQuerySchema, query);
    assertZoneAllowed(ctx, request.zone);
    let page = await this.deps.rpc.request<WhitelistPage>(ENFORCEMENT_SUBJECTS.whitelist, request, ctx);
    const whole: Whitelist = { zone: page.zone, asOf: page.asOf, items: page.items };
    for (let n = 1; page.nextCursor && n < WHITELIST_PAGES_MAX; n++) {
      page = await this.deps.rpc.request<WhitelistPage>(
        ENFORCEMENT_SUBJECTS.whitelist,
        { ...request, asOf: whole.asOf, cursor: page.nextCursor },
        ctx,
      );
      whole.items.push(...page.items);
    }
    return whole;
  }

  @Post('observations')
  @ApiDoc({
    operationId: 'recordObservation',
    tag,
    response: observationResponse,
    summary: 'Report a plate seen parked (patrol), or entering or leaving (gate)',
    body: observationSchema,
    responses: { 201: 'The observation, its check, and the violation it recorded or repeats' },
  })
  observe(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(observationSchema, body);
    assertZoneAllowed(ctx, request.zone);
    return this.deps.rpc.request<ObservationRecorded>(ENFORCEMENT_SUBJECTS.observe, request, ctx);
  }

  @Get('violations')
  @Roles('officer', 'operator')
  @ApiDoc({
    operationId: 'listViolations',
    tag,
    response: listOf(violationResponse),
    summary: 'Violations by zone and time',
    query: listViolationsSchema,
  })
  violations(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(listViolationsSchema, query);
    return this.deps.rpc.request<Items<Violation>>(ENFORCEMENT_SUBJECTS.listViolations, request, ctx);
  }

  @Post('violations/:id/sanction')
  @Roles('officer')
  @ApiDoc({
    operationId: 'issueSanction',
    tag,
    response: sanctionResponse,
    errors: { 409: 'The violation has a sanction already' },
    summary: "Issue a control sanction for a violation (amount and due date from the operator's settings)",
    body: issueSanctionBodySchema,
    responses: { 201: 'The sanction' },
  })
  issueSanction(@Param('id') violationId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(issueSanctionBodySchema, body ?? {});
    return this.deps.rpc.request<Sanction>(
      ENFORCEMENT_SUBJECTS.issueSanction,
      { ...request, violationId },
      ctx,
    );
  }

  @Get('sanctions')
  @Roles('officer', 'operator')
  @ApiDoc({
    operationId: 'listSanctions',
    tag,
    response: listOf(sanctionResponse),
    summary: 'Control sanctions issued since a time',
    query: listSanctionsSchema,
  })
  sanctions(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(listSanctionsSchema, query);
    return this.deps.rpc.request<Items<Sanction>>(ENFORCEMENT_SUBJECTS.listSanctions, request, ctx);
  }

  @Post('sanctions/:id/cancel')
  @HttpCode(200)
  @Roles('officer', 'operator')
  @ApiDoc({
    operationId: 'cancelSanction',
    tag,
    response: sanctionResponse,
    errors: { 409: 'Cancelled already' },
    summary: 'Cancel a control sanction, with a reason',
    body: cancelSanctionBodySchema,
  })
  cancelSanction(@Param('id') sanctionId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(cancelSanctionBodySchema, body);
    return this.deps.rpc.request<Sanction>(
      ENFORCEMENT_SUBJECTS.cancelSanction,
      { ...request, sanctionId },
      ctx,
    );
  }
}
