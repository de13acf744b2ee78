// Enforcement routes (officers and devices): check one plate or up to 1000 in one round trip, and the
// zone's whitelist. A zone-scoped device is refused outside its zones before anything is asked.
import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { AppError, parseOrThrow, type RequestContext } from '@parking/contracts';
import { checkSchema, checksSchema, ENFORCEMENT_SUBJECTS, type Check } from '@parking/contracts/enforcement';
import { z } from 'zod';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';

const tag = 'Enforcement';
const whitelistQuery = z.object({ zone: z.string().min(1).max(100) });

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

  @Get('check')
  @ApiDoc({ tag, summary: 'May this plate park in this zone at this time?', query: checkSchema })
  check(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(checkSchema, query);
    assertZoneAllowed(ctx, request.zone);
    return this.deps.rpc.request<Check>(ENFORCEMENT_SUBJECTS.check, request, ctx);
  }

  @Post('checks')
  @HttpCode(200)
  @ApiDoc({
    tag,
    summary: 'Check up to 1000 plates in one zone, answered in the same order',
    body: checksSchema,
  })
  checks(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(checksSchema, body);
    assertZoneAllowed(ctx, request.zone);
    return this.deps.rpc.request<{ items: Check[] }>(ENFORCEMENT_SUBJECTS.checks, request, ctx);
  }

  @Get('whitelist')
  @ApiDoc({ tag, summary: 'Every plate valid in the zone now', query: whitelistQuery })
  whitelist(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(whitelistQuery, query);
    assertZoneAllowed(ctx, request.zone);
    return this.deps.rpc.request(ENFORCEMENT_SUBJECTS.whitelist, request, ctx);
  }
}
