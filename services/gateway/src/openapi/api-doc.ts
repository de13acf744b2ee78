// What a route tells the OpenAPI document about itself: a summary, the zod schemas of its body, query and
// answer, its success statuses and the refusals particular to it. Paths, methods, roles, path and header
// parameters come from the route's own decorators; the usual refusals (400, 401, 403, 404, 413, 503)
// from what the route takes and who may call it.
import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export interface RouteDoc {
  summary: string;
  /** Longer prose after the summary (Markdown). */
  description?: string;
  tag?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** The body of every success answer but 204/304 (a schema of `@parking/contracts/responses`). */
  response?: z.ZodType;
  /** Success statuses with what they mean; 200 when omitted. */
  responses?: Record<number, string>;
  /** Refusals particular to this route (402, 409, 410, 422, 429, …) with when they happen. */
  errors?: Record<number, string>;
  /** A request body that works against the demo data. */
  example?: unknown;
  /** Defaults to the handler's name (prefixed with the controller's when two handlers share it). */
  operationId?: string;
}

export const API_DOC_KEY = 'gateway:api-doc';
export const ApiDoc = (doc: RouteDoc) => SetMetadata(API_DOC_KEY, doc);
