// A database that is down, restarting, overloaded or refusing a transaction is the service being
// unavailable (503, try again), not a bug (500). Anything PostgreSQL or the connection to it raises is
// mapped so; our own refusals (AppError) and programming errors pass through unchanged.
import { AppError, isAppError } from '@parking/contracts';

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
const CONNECTION_MESSAGE =
  /connection terminated|timeout exceeded when trying to connect|connection (?:error|refused)|client has encountered a connection error|cannot use a pool after calling end|terminating connection/i;

export function isDatabaseError(err: unknown): boolean {
  if (!err || typeof err !== 'object' || isAppError(err)) return false;
  const e = err as { code?: unknown; severity?: unknown; message?: unknown };
  // A PostgreSQL error: a severity and a five-character SQLSTATE.
  if (typeof e.severity === 'string' && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
    return true;
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return true;
  return typeof e.message === 'string' && CONNECTION_MESSAGE.test(e.message);
}

/** Runs a handler that uses the database; its database failures leave as UNAVAILABLE (503). */
export async function withDatabase<T>(run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isDatabaseError(err))
      throw new AppError('UNAVAILABLE', 'The database is unavailable; try again shortly');
    throw err;
  }
}
