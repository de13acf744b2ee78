// Records catalogue changes: appends the events and updates the read models in one transaction, so a
// reader never sees one without the other.
import { inTransaction, type EventMetadata, type PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueEvent } from '../domain/catalogue.js';
import { project } from './catalogue.projection.js';

export { inTransaction };

/** Appends events at a known version (demo data) and projects them, in one transaction. */
export async function record(
  pool: pg.Pool,
  store: PostgresEventStore,
  streamId: string,
  events: CatalogueEvent[],
  metadata: EventMetadata,
  expectedVersion: number | 'no_stream',
): Promise<void> {
  await inTransaction(pool, async (client) => {
    await store.append(
      streamId,
      events.map((e) => ({ type: e.type, data: e.data, metadata })),
      { expectedVersion, streamType: streamId.split('-')[0], client },
    );
    for (const e of events) await project(client, metadata.operatorId, e);
  });
}
