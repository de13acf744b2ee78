// Catalogue routes: the operator's public reads (cities, locations with zones, products on sale, terms),
// cacheable per operator with ETags.
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { parseOrThrow, type RequestContext } from '@parking/contracts';
import {
  CATALOGUE_SUBJECTS,
  getProductSchema,
  getTermsSchema,
  listLocationsSchema,
  listProductsSchema,
  type City,
  type Items,
  type Location,
  type Product,
  type Terms,
} from '@parking/contracts/catalogue';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DEPS, type Deps } from '../../deps.js';
import { sendCacheable } from '../../http/cacheable.js';
import { Ctx } from '../../http/gateway-request.js';
import { ApiDoc } from '../../openapi/api-doc.js';
import { withCursor } from '../lists.js';
import {
  cityResponse,
  listOf,
  locationResponse,
  productResponse,
  termsResponse,
} from '@parking/contracts/responses';

const tag = 'Catalogue';
const cacheable = { 200: 'OK (cacheable per operator)', 304: 'Not modified (If-None-Match)' };

@Controller('v1')
export class CatalogueController {
  constructor(@Inject(DEPS) private readonly deps: Deps) {}

  @Get('cities')
  @ApiDoc({
    operationId: 'listCities',
    tag,
    response: listOf(cityResponse),
    summary: "The operator's cities",
    responses: cacheable,
  })
  async cities(@Ctx() ctx: RequestContext, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const list = await this.read<Items<City>>(CATALOGUE_SUBJECTS.listCities, {}, ctx);
    return sendCacheable(req, reply, ctx.operatorId, withCursor(list));
  }

  @Get('cities/:cityId/locations')
  @ApiDoc({
    operationId: 'listLocations',
    tag,
    response: listOf(locationResponse),
    summary: "A city's locations with their zones",
    responses: cacheable,
  })
  async locations(
    @Param('cityId') cityId: string,
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const request = parseOrThrow(listLocationsSchema, { cityId });
    const list = await this.read<Items<Location>>(CATALOGUE_SUBJECTS.listLocations, request, ctx);
    return sendCacheable(req, reply, ctx.operatorId, withCursor(list));
  }

  @Get('locations/:locationId/products')
  @ApiDoc({
    operationId: 'listProducts',
    tag,
    response: listOf(productResponse),
    summary: "A location's products on sale",
    responses: cacheable,
  })
  async products(
    @Param('locationId') locationId: string,
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const request = parseOrThrow(listProductsSchema, { locationId });
    const list = await this.read<Items<Product>>(CATALOGUE_SUBJECTS.listProducts, request, ctx);
    return sendCacheable(req, reply, ctx.operatorId, withCursor(list));
  }

  @Get('products/:productId')
  @ApiDoc({
    operationId: 'getProduct',
    tag,
    response: productResponse,
    summary: 'A product',
    responses: cacheable,
  })
  async product(
    @Param('productId') productId: string,
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const request = parseOrThrow(getProductSchema, { productId });
    const product = await this.read<Product>(CATALOGUE_SUBJECTS.getProduct, request, ctx);
    return sendCacheable(req, reply, ctx.operatorId, product);
  }

  @Get('terms/:termsId')
  @ApiDoc({
    operationId: 'getTerms',
    tag,
    response: termsResponse,
    summary: 'A version of the terms',
    responses: cacheable,
  })
  async terms(
    @Param('termsId') termsId: string,
    @Ctx() ctx: RequestContext,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const request = parseOrThrow(getTermsSchema, { termsId });
    const terms = await this.read<Terms>(CATALOGUE_SUBJECTS.getTerms, request, ctx);
    return sendCacheable(req, reply, ctx.operatorId, terms);
  }

  /** A public read through the gateway's short-lived cache, per operator. */
  private read<T>(subject: string, request: object, ctx: RequestContext): Promise<T> {
    const key = `${ctx.operatorId}\n${subject}\n${JSON.stringify(request)}`;
    return this.deps.publicReads.get(key, () => this.deps.rpc.request<T>(subject, request, ctx));
  }
}
