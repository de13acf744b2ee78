// The history of one agreement, told from its events: to its customer (API.md `HistoryEntry`) and to
// the operator (with who did each thing).
import { AppError, type RequestContext } from '@parking/contracts';
import type { AdminHistoryEntry, HistoryEntry } from '@parking/contracts/agreement';
import type { RecordedEvent } from '@parking/event-store';
import type { AgreementEvent } from '../../domain/agreement.js';
import { historyEntry } from '../../domain/view.js';
import type { Deps } from '../../deps.js';
import { STREAM_PREFIX } from './agreements.projection.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** When it happened in the product's terms (a renewal run's `asOf`, say), else when it was recorded. */
function happenedAt(event: RecordedEvent): string {
  const data = event.data as Record<string, unknown>;
  const key = Object.keys(data).find((k) => k.endsWith('At') && typeof data[k] === 'string');
  return key ? (data[key] as string) : event.createdAt.toISOString();
}

async function eventsOf(deps: Pick<Deps, 'store'>, ctx: RequestContext, agreementId: string, owner?: string) {
  if (!UUID.test(agreementId)) throw new AppError('NOT_FOUND', 'agreement not found');
  const events = await deps.store.readStream(`${STREAM_PREFIX}${agreementId}`);
  const first = events[0];
  if (!first || first.metadata.operatorId !== ctx.operatorId)
    throw new AppError('NOT_FOUND', 'agreement not found');
  if (owner !== undefined && (first.data as { userId: string }).userId !== owner)
    throw new AppError('NOT_FOUND', 'agreement not found');
  return events;
}

export async function customerHistory(
  deps: Pick<Deps, 'store'>,
  ctx: RequestContext,
  agreementId: string,
): Promise<{ items: HistoryEntry[] }> {
  if (ctx.caller.kind !== 'user') throw new AppError('NOT_FOUND', 'agreement not found');
  const events = await eventsOf(deps, ctx, agreementId, ctx.caller.userId);
  return { items: events.map((e) => historyEntry(e as unknown as AgreementEvent, happenedAt(e))) };
}

export async function operatorHistory(
  deps: Pick<Deps, 'store'>,
  ctx: RequestContext,
  agreementId: string,
): Promise<{ items: AdminHistoryEntry[] }> {
  const events = await eventsOf(deps, ctx, agreementId);
  return {
    items: events.map((e) => ({
      ...historyEntry(e as unknown as AgreementEvent, happenedAt(e)),
      actor: e.metadata.actor ?? null,
    })),
  };
}
