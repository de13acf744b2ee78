// Request ids: the client's `x-request-id` when it is a sensible token, else a new uuid. It is also the
// NATS correlation id, and every response carries it.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SENSIBLE = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && SENSIBLE.test(sent) ? sent : randomUUID();
}
