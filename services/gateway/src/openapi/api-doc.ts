// What a route tells the OpenAPI document about itself: a summary, the zod schemas of its body and
// query, and its success statuses. Paths, methods and roles come from the route's own decorators.
import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export interface RouteDoc {
  summary: string;
  tag?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Success statuses with what they mean; 200 when omitted. */
  responses?: Record<number, string>;
}

export const API_DOC_KEY = 'gateway:api-doc';
export const ApiDoc = (doc: RouteDoc) => SetMetadata(API_DOC_KEY, doc);
