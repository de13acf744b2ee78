// Database helpers shared by enforcement's modules.
export { inTransaction } from '@parking/event-store';

/** `<time>|<id>` cursors of lists ordered by time then id. */
export const cursorOf = (at: Date, id: string) => `${at.toISOString()}|${id}`;
export function parseCursor(cursor: string | undefined): [string, string] | null {
  if (!cursor) return null;
  const [at, id] = cursor.split('|');
  return at && id && !Number.isNaN(Date.parse(at)) ? [at, id] : null;
}
