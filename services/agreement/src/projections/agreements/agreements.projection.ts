// The `agreements` read model: one row per agreement with its folded state and public view, fed in
// commit order from this service's own events (exactly once: the subscription stores its checkpoint in
// the same transaction). Versions guard against applying an event twice.
import type { RecordedEvent } from '@parking/event-store';
import type pg from 'pg';
import { evolve, initialState, type AgreementEvent, type AgreementState } from '../../domain/agreement.js';
import { toView } from '../../domain/view.js';
import type { AgreementWaiters } from './waiters.js';

export const STREAM_PREFIX = 'agreement-';

interface Entry {
  state: AgreementState;
  version: number;
  operatorId: string;
}

async function loadEntry(client: pg.PoolClient, id: string, operatorId: string): Promise<Entry> {
  const { rows } = await client.query('select state, stream_version from agreements where id = $1', [id]);
  if (!rows[0]) return { state: initialState(), version: 0, operatorId };
  return { state: rows[0].state as AgreementState, version: rows[0].stream_version, operatorId };
}

export function agreementsProjection(waiters: AgreementWaiters) {
  return async (events: RecordedEvent[], client: pg.PoolClient): Promise<void> => {
    const touched = new Map<string, Entry>();
    for (const event of events) {
      if (!event.streamId.startsWith(STREAM_PREFIX)) continue;
      const id = event.streamId.slice(STREAM_PREFIX.length);
      const entry = touched.get(id) ?? (await loadEntry(client, id, event.metadata.operatorId));
      touched.set(id, entry);
      if (event.streamVersion <= entry.version) continue;
      entry.state = evolve(entry.state, { type: event.type, data: event.data } as AgreementEvent);
      entry.version = event.streamVersion;
    }
    const settled = [];
    for (const [id, { state, version, operatorId }] of touched) {
      if (state.status === 'none') continue;
      const view = toView(state);
      await client.query(
        `insert into agreements (operator_id, id, user_id, product_id, employee_number, status, state, view, created_at, stream_version)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (id) do update
           set status = excluded.status, state = excluded.state, view = excluded.view, stream_version = excluded.stream_version
         where agreements.stream_version < excluded.stream_version`,
        [
          operatorId,
          id,
          state.userId,
          state.product.id,
          state.employeeNumber,
          state.status,
          state,
          view,
          state.createdAt,
          version,
        ],
      );
      // A failed or ended agreement frees its place of a product with a capacity, and its employee number.
      if (state.status === 'failed' || state.status === 'ended') {
        await client.query('delete from product_places where agreement_id = $1', [id]);
        await client.query('delete from employee_claims where agreement_id = $1', [id]);
      }
      settled.push(view);
    }
    for (const view of settled) waiters.updated(view);
  };
}
