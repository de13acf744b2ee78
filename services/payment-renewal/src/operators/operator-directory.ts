// The operators' seller details (name, organisation number, address) for receipts. Identity owns the
// operators; the directory asks it (the source) and caches the answer briefly.
import type { RequestContext } from '@parking/contracts';
import { IDENTITY_SUBJECTS, type Operator, type OperatorList } from '@parking/contracts/identity';
import type { RpcClient } from '@parking/messaging';

const TTL_MS = 60_000;

export type OperatorSource = () => Promise<OperatorList>;

/** The operator list from identity over NATS. */
export function operatorsFromIdentity(rpc: RpcClient): OperatorSource {
  const ctx: RequestContext = {
    operatorId: '',
    caller: { kind: 'system', service: 'payment-renewal' },
    correlationId: 'operators',
  };
  return () => rpc.request<OperatorList>(IDENTITY_SUBJECTS.listOperators, {}, ctx);
}

export class OperatorDirectory {
  private cache: { at: number; byId: Map<string, Operator> } | null = null;

  constructor(private readonly source: OperatorSource) {}

  async get(operatorId: string): Promise<Operator | null> {
    if (!this.cache || Date.now() - this.cache.at > TTL_MS || !this.cache.byId.has(operatorId)) {
      const list = await this.source();
      this.cache = { at: Date.now(), byId: new Map(list.items.map((o) => [o.id, o])) };
    }
    return this.cache.byId.get(operatorId) ?? null;
  }
}
