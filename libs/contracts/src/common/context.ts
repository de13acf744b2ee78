// Who asks, for which operator, under which trace: carried in NATS headers on every request and event.
import { z } from 'zod';

export const ROLES = ['customer', 'operator', 'officer', 'device', 'platform'] as const;
export type Role = (typeof ROLES)[number];

export const callerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('anonymous') }),
  z.object({ kind: z.literal('user'), userId: z.string(), roles: z.array(z.enum(ROLES)) }),
  z.object({
    kind: z.literal('device'),
    deviceId: z.string(),
    roles: z.array(z.enum(ROLES)),
    /** Zones the device may act in; absent = every zone of its operator. */
    zoneIds: z.array(z.string()).optional(),
  }),
  /** A service acting on its own (scheduler, reaction). */
  z.object({ kind: z.literal('system'), service: z.string() }),
]);
export type Caller = z.infer<typeof callerSchema>;

export interface RequestContext {
  /** The operator (tenant) id the request is served for; every query filters by it. */
  operatorId: string;
  caller: Caller;
  correlationId: string;
  /** W3C trace context of the caller's span, when tracing. */
  traceparent?: string;
  tracestate?: string;
  /** The client's address, for rate limits (gateway → identity). */
  clientAddress?: string;
}

/** NATS header names (lower case; NATS headers are case-sensitive, we always write these). */
export const HEADERS = {
  operatorId: 'x-operator-id',
  caller: 'x-caller',
  correlationId: 'x-correlation-id',
  causationId: 'x-causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  clientAddress: 'x-client-address',
  eventType: 'x-event-type',
  streamId: 'x-stream-id',
  streamVersion: 'x-stream-version',
  schemaVersion: 'x-schema-version',
} as const;

export const hasRole = (caller: Caller, role: Role): boolean =>
  (caller.kind === 'user' || caller.kind === 'device') && caller.roles.includes(role);
