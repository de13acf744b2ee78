// Rebuilding the `agreements` read model beside the live one (see beside.ts), with the very projection
// the service runs.
import type pg from 'pg';
import { agreementsProjection } from '../projections/agreements/agreements.projection.js';
import { AgreementWaiters } from '../projections/agreements/waiters.js';
import { rebuildBeside, type RebuildProgress } from './beside.js';

/** The read model's subscription in bootstrap.ts. */
export const AGREEMENTS_SUBSCRIPTION = 'agreements-read-model';

export function rebuildAgreements(
  pool: pg.Pool,
  onProgress?: (p: RebuildProgress) => void,
): Promise<RebuildProgress> {
  return rebuildBeside({
    pool,
    subscriptionId: AGREEMENTS_SUBSCRIPTION,
    tables: ['agreements'],
    // Nobody waits on a rebuild's rows.
    handle: agreementsProjection(new AgreementWaiters()),
    onProgress,
  });
}
