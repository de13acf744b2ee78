// API.md lists are `{ items, nextCursor }`: services that do not page yet answer without a cursor.
export function withCursor<T extends { items: unknown[]; nextCursor?: string | null }>(
  list: T,
): T & { nextCursor: string | null } {
  return { ...list, nextCursor: list.nextCursor ?? null };
}
