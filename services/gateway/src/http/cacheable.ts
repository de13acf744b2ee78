// Public reads: cacheable per operator (Vary on what picks the operator) with an ETag, and 304 on a match.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function etagOf(operatorId: string, body: unknown): string {
  const hash = createHash('sha256').update(operatorId).update('\n').update(JSON.stringify(body));
  return `W/"${hash.digest('base64url').slice(0, 27)}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

function addVary(reply: FastifyReply, fields: string[]): void {
  const existing = String(reply.getHeader('vary') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const merged = [...existing];
  for (const f of fields) if (!merged.some((e) => e.toLowerCase() === f.toLowerCase())) merged.push(f);
  reply.header('vary', merged.join(', '));
}

export function sendCacheable(req: FastifyRequest, reply: FastifyReply, operatorId: string, body: unknown) {
  const etag = etagOf(operatorId, body);
  addVary(reply, ['x-operator', 'Host']);
  // A token can pick the operator, and Vary does not name Authorization: shared caches must not keep it.
  reply.header('cache-control', `${req.headers.authorization ? 'private' : 'public'}, max-age=60`);
  reply.header('etag', etag);
  if (matches(req.headers['if-none-match'], etag)) return reply.status(304).send();
  return reply.status(200).send(body);
}
