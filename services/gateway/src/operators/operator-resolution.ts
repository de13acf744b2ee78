// Which operator (tenant) a request is served for, in API.md's order: `x-operator` slug, then the host
// name, then the presented token's operator, then the default operator. Pure: the list comes in.
import { AppError } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';

export interface OperatorSnapshot {
  items: Operator[];
  defaultOperatorId: string;
}

export interface OperatorHints {
  /** The `x-operator` header, if sent. */
  xOperator?: string;
  /** The request's host name (a port, if any, is ignored). */
  host?: string;
  /** The operator id of a token that verified. */
  tokenOperatorId?: string;
}

/** `Demo.Localhost:3000` → `demo.localhost`; `[::1]:3000` → `[::1]`. */
export function hostWithoutPort(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export function resolveOperator(snapshot: OperatorSnapshot, hints: OperatorHints): Operator {
  const slug = hints.xOperator?.trim().toLowerCase();
  if (slug) {
    const bySlug = snapshot.items.find((o) => o.slug === slug);
    if (!bySlug) {
      throw new AppError('NOT_FOUND', `No operator "${slug}"`, {
        fields: [{ path: 'x-operator', message: 'no operator has this slug' }],
      });
    }
    return bySlug;
  }
  if (hints.host) {
    const host = hostWithoutPort(hints.host);
    const byHost = snapshot.items.find((o) => o.hosts.some((h) => hostWithoutPort(h) === host));
    if (byHost) return byHost;
  }
  if (hints.tokenOperatorId) {
    const byToken = snapshot.items.find((o) => o.id === hints.tokenOperatorId);
    if (byToken) return byToken;
  }
  const fallback = snapshot.items.find((o) => o.id === snapshot.defaultOperatorId);
  if (!fallback) throw new AppError('UNAVAILABLE', 'The default operator is not known yet');
  return fallback;
}
