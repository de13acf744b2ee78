// The lean wire format of the plate check (`enforcement.check` / `enforcement.checks`): the hot path
// between the gateway and enforcement skips Nest's packet, envelope and context headers. The request is
// one JSON array; the reply is the HTTP body itself (the gateway sends it on as it is), or `!` followed
// by an ErrorBody. Both sides validate: the gateway with the contract's zod schemas, enforcement what it
// relies on (roles, zone scope, the operator's zone).
import type { ErrorBody } from '../common/errors.js';

/** What enforcement needs to know about the caller and the request. */
export interface LeanCheckRequest {
  operatorId: string;
  /** As written to the check log: `user:<id>`, `device:<id>`. */
  caller: string;
  roles: readonly string[];
  /** A zone-scoped device's zones; null for every other caller. */
  zoneScope: readonly string[] | null;
  correlationId: string;
  traceparent: string | null;
  zone: string;
  /** Epoch milliseconds; null for now (enforcement's clock). */
  at: number | null;
  /** Plates already normalised, with their countries. */
  vehicles: readonly { plate: string; country: string }[];
}

type Wire = [
  string,
  string,
  string[],
  string[] | null,
  string,
  string | null,
  string,
  number | null,
  string[],
];

export function encodeLeanCheck(r: LeanCheckRequest): string {
  const flat: string[] = new Array(r.vehicles.length * 2);
  for (let i = 0; i < r.vehicles.length; i++) {
    flat[2 * i] = r.vehicles[i].plate;
    flat[2 * i + 1] = r.vehicles[i].country;
  }
  const wire: Wire = [
    r.operatorId,
    r.caller,
    r.roles as string[],
    r.zoneScope as string[] | null,
    r.correlationId,
    r.traceparent,
    r.zone,
    r.at,
    flat,
  ];
  return JSON.stringify(wire);
}

const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

/** The request, or null when it is not one (a malformed message is refused, never guessed at). */
export function decodeLeanCheck(text: string): LeanCheckRequest | null {
  let w: unknown;
  try {
    w = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(w) || w.length !== 9) return null;
  const [operatorId, caller, roles, zoneScope, correlationId, traceparent, zone, at, flat] = w as Wire;
  if (
    typeof operatorId !== 'string' ||
    typeof caller !== 'string' ||
    !isStrings(roles) ||
    (zoneScope !== null && !isStrings(zoneScope)) ||
    typeof correlationId !== 'string' ||
    (traceparent !== null && typeof traceparent !== 'string') ||
    typeof zone !== 'string' ||
    (at !== null && !Number.isFinite(at)) ||
    !isStrings(flat) ||
    flat.length % 2 !== 0
  )
    return null;
  const vehicles = new Array<{ plate: string; country: string }>(flat.length / 2);
  for (let i = 0; i < vehicles.length; i++) vehicles[i] = { plate: flat[2 * i], country: flat[2 * i + 1] };
  return { operatorId, caller, roles, zoneScope, correlationId, traceparent, zone, at, vehicles };
}

/** A refusal on the lean path: `!` and the error's body. */
export const leanError = (body: ErrorBody): string => `!${JSON.stringify(body)}`;

/** The ErrorBody of a refusal, or null when the reply is an answer. */
export function leanErrorOf(reply: string): ErrorBody | null {
  if (reply.charCodeAt(0) !== 33 /* ! */) return null;
  try {
    return JSON.parse(reply.slice(1)) as ErrorBody;
  } catch {
    return { code: 'INTERNAL', message: 'unreadable refusal' };
  }
}
