// Records catalogue changes: appends the events and updates the read models in one transaction, so a
// reader never sees one without the other.
import type { EventMetadata, PostgresEventStore } from '@parking/event-store';
import type pg from 'pg';
import type { CatalogueEvent } from '../domain/catalogue.js';
import { project } from './catalogue.projection.js';

/** Runs `work` in one transaction on a pooled client: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

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
