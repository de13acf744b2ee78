// Shared set-up of the event store's integration suites: a fresh database with the `es` schema, and
// waits that tolerate other suites' transactions on the same server (xids are cluster-wide, so any
// open transaction anywhere briefly holds the commit-ordered reader back).
import { testDatabase, type TestDatabase } from '@parking/testing';
import { eventStoreMigrations, runMigrations } from './migrations.js';
import type { StepResult } from './catch-up-loop.js';
import type { NewEvent } from './types.js';

export async function eventStoreDatabase(): Promise<TestDatabase> {
  const db = await testDatabase('es');
  await runMigrations(db.pool, eventStoreMigrations);
  return db;
}

export const OPERATOR = '00000000-0000-4000-8000-0000000000aa';

export function event(
  type: string,
  data: unknown = {},
  metadata: Partial<NewEvent['metadata']> = {},
): NewEvent {
  return { type, data, metadata: { operatorId: OPERATOR, ...metadata } };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(check: () => boolean | Promise<boolean>, ms = 20_000, what = 'condition') {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Steps by hand until `done` holds (re-stepping while other transactions hold the reader back). */
export async function stepUntil(
  step: () => Promise<StepResult | null>,
  done: () => boolean | Promise<boolean>,
  ms = 20_000,
) {
  await waitUntil(async () => {
    await step();
    return done();
  }, ms);
}
