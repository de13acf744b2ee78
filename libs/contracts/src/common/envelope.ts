// The reply of every NATS request: `{ ok: true, data }` or `{ ok: false, error }`.
import type { ErrorBody } from './errors.js';

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export const ok = <T>(data: T): Envelope<T> => ({ ok: true, data });
export const fail = (error: ErrorBody): Envelope<never> => ({ ok: false, error });
