// Catalogue routes for the operator's admins: cities, locations with zones, versioned terms, products
// (created on sale; price, description, terms, zones, capacity and withdrawal changed by PATCH) and staff
// lists. A staff list may be 2 MiB; it travels to the catalogue in parts, since NATS carries at most 1 MiB.
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  addZoneBodySchema,
  CATALOGUE_SUBJECTS,
  changeProductBodySchema,
  createCitySchema,
  createLocationSchema,
  createProductSchema,
  listAllProductsSchema,
  publishTermsSchema,
  replaceStaffListBodySchema,
  type City,
  type Items,
  type Location,
  type Product,
  type StaffListDifference,
  type Terms,
  type Zone,
} from '@parking/contracts/catalogue';
import { z } from 'zod';
import { DEPS, type Deps } from '../../deps.js';
import { Roles } from '../../http/access.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import {
  cityResponse,
  listOf,
  locationResponse,
  productResponse,
  termsResponse,
  staffListDifferenceResponse,
  zoneResponse,
} from '@parking/contracts/responses';

const tag = 'Catalogue (operator)';
const created = { 201: 'Created' };
const id = z.string().min(1).max(100);
/** API.md: the staff-list route accepts bodies up to 2 MiB (every other route 64 KiB). */
export const STAFF_LIST_BODY_LIMIT = 2 * 1024 * 1024;
/** Each part of a staff list stays far below NATS's 1 MiB message limit. */
const STAFF_PART_BYTES = 256 * 1024;
const STAFF_TIMEOUT_MS = 30_000;

function checkId(value: string): string {
  return parseOrThrow(id, value, 'id');
}

/** Splits the numbers into parts of at most STAFF_PART_BYTES of JSON each (at least one part). */
export function staffListParts(numbers: string[]): string[][] {
  const parts: string[][] = [[]];
  let size = 0;
  for (const n of numbers) {
    const bytes = Buffer.byteLength(JSON.stringify(n)) + 1;
    if (size + bytes > STAFF_PART_BYTES && parts[parts.length - 1].length > 0) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1].push(n);
    size += bytes;
  }
  return parts;
}

@Controller('v1/admin')
@Roles('operator')
export class CatalogueAdminController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Post('cities')
  @ApiDoc({
    tag,
    response: cityResponse,
    summary: 'Create a city',
    body: createCitySchema,
    responses: created,
  })
  createCity(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(createCitySchema, body);
    return this.write(this.deps.rpc.request<City>(CATALOGUE_SUBJECTS.createCity, request, ctx));
  }

  @Post('locations')
  @ApiDoc({
    tag,
    response: locationResponse,
    summary: 'Create a location (car park) in a city',
    body: createLocationSchema,
    responses: created,
  })
  createLocation(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(createLocationSchema, body);
    return this.write(this.deps.rpc.request<Location>(CATALOGUE_SUBJECTS.createLocation, request, ctx));
  }

  @Post('locations/:locationId/zones')
  @ApiDoc({
    tag,
    response: zoneResponse,
    summary: 'Add a parking zone to a location',
    body: addZoneBodySchema,
    responses: created,
  })
  addZone(@Param('locationId') locationId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = { locationId: checkId(locationId), ...parseOrThrow(addZoneBodySchema, body) };
    return this.write(this.deps.rpc.request<Zone>(CATALOGUE_SUBJECTS.addZone, request, ctx));
  }

  @Post('terms')
  @ApiDoc({
    tag,
    response: termsResponse,
    summary: 'Publish terms; with `replaces`, the next version of that document',
    body: publishTermsSchema,
    responses: created,
  })
  publishTerms(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(publishTermsSchema, body);
    return this.write(this.deps.rpc.request<Terms>(CATALOGUE_SUBJECTS.publishTerms, request, ctx));
  }

  @Get('products')
  @ApiDoc({
    operationId: 'listOperatorProducts',
    tag,
    response: listOf(productResponse),
    summary: "The operator's products, withdrawn ones included",
    query: listAllProductsSchema,
  })
  async products(@Query() query: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(listAllProductsSchema, query);
    return withCursor(
      await this.deps.rpc.request<Items<Product>>(CATALOGUE_SUBJECTS.listAllProducts, request, ctx),
    );
  }

  @Post('products')
  @ApiDoc({
    tag,
    response: productResponse,
    summary: 'Create an agreement product (on sale at once)',
    body: createProductSchema,
    responses: created,
  })
  createProduct(@Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = parseOrThrow(createProductSchema, body);
    return this.write(this.deps.rpc.request<Product>(CATALOGUE_SUBJECTS.createProduct, request, ctx));
  }

  @Patch('products/:productId')
  @ApiDoc({
    tag,
    response: productResponse,
    summary:
      'Change price (renewal charges use it from 30 days on), description, terms, zones, capacity or onSale',
    body: changeProductBodySchema,
  })
  changeProduct(@Param('productId') productId: string, @Body() body: unknown, @Ctx() ctx: RequestContext) {
    const request = { productId: checkId(productId), changes: parseOrThrow(changeProductBodySchema, body) };
    return this.write(this.deps.rpc.request<Product>(CATALOGUE_SUBJECTS.changeProduct, request, ctx));
  }

  @Put('products/:productId/employees')
  @HttpCode(204)
  @RouteConfig({ bodyLimit: STAFF_LIST_BODY_LIMIT })
  @ApiDoc({
    tag,
    errors: { 413: 'The body is larger than 2 MiB' },
    summary:
      "Replace a product's staff list (up to 100,000 numbers, body up to 2 MiB; [] leaves no one on it)",
    body: replaceStaffListBodySchema,
    responses: { 204: 'Replaced' },
  })
  async replaceStaffList(
    @Param('productId') productId: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
  ): Promise<void> {
    await this.replaceStaff(productId, body, ctx);
  }

  @Post('products/:productId/employees/upload')
  @HttpCode(200)
  @RouteConfig({ bodyLimit: STAFF_LIST_BODY_LIMIT })
  @ApiDoc({
    operationId: 'uploadStaffList',
    tag,
    response: staffListDifferenceResponse,
    summary:
      "Replace a product's staff list as PUT …/employees does, answering what changed: counts added, removed and unchanged, with a sample of each",
    body: replaceStaffListBodySchema,
  })
  uploadStaffList(
    @Param('productId') productId: string,
    @Body() body: unknown,
    @Ctx() ctx: RequestContext,
  ): Promise<StaffListDifference> {
    return this.replaceStaff(productId, body, ctx);
  }

  private async replaceStaff(
    productId: string,
    body: unknown,
    ctx: RequestContext,
  ): Promise<StaffListDifference> {
    const checkedId = checkId(productId);
    const { employeeNumbers } = parseOrThrow(replaceStaffListBodySchema, body);
    const uploadId = randomUUID();
    const parts = staffListParts(employeeNumbers);
    const options = { timeoutMs: STAFF_TIMEOUT_MS };
    for (const [part, numbers] of parts.entries()) {
      await this.deps.rpc.request(
        CATALOGUE_SUBJECTS.stageStaffList,
        { productId: checkedId, uploadId, part, employeeNumbers: numbers },
        ctx,
        options,
      );
    }
    return this.deps.rpc.request<StaffListDifference>(
      CATALOGUE_SUBJECTS.replaceStaffList,
      { productId: checkedId, uploadId, parts: parts.length },
      ctx,
      options,
    );
  }

  /** A write's answer, once this replica's cache of public reads has forgotten what it changed. */
  private async write<T>(done: Promise<T>): Promise<T> {
    const result = await done;
    this.deps.publicReads.clear();
    return result;
  }
}
