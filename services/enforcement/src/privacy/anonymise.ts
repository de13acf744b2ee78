// Plates in observations and the check log are kept only 24 hours after they stop being needed, then
// set to null with what links back to them (the agreement). A check log entry is needed while the
// agreement it answered about runs (its validity now, so a renewal keeps it); an entry without an
// agreement, from the check itself. An observation is needed until it closes: a sighting 30 minutes
// after it was made, an entry at the vehicle's exit or at the zone's maximum stay (`closed_at` is set to
// the stay's end when the entry is recorded and brought forward by the exit, so an exit a camera missed
// cannot keep a plate for ever), an exit at once. Violations and
// sanctions keep their plates: they are the operator's claim.
import type pg from 'pg';

export const KEEP_AFTER_NEEDED_MS = 24 * 3_600_000;

export async function anonymisePlates(
  pool: pg.Pool,
  now: Date,
): Promise<{ checks: number; observations: number }> {
  const cutoff = new Date(now.getTime() - KEEP_AFTER_NEEDED_MS);
  const checks = await pool.query(
    `update check_log c set plate = null, country = null, agreement_id = null, anonymised_at = $2
      where c.plate is not null and c.checked_at < $1
        and coalesce((select a.valid_to from agreement_validity a where a.agreement_id = c.agreement_id), c.checked_at) < $1`,
    [cutoff, now],
  );
  const observations = await pool.query(
    `update observations set plate = null, country = null, agreement_id = null, anonymised_at = $2
      where plate is not null and closed_at is not null and closed_at < $1`,
    [cutoff, now],
  );
  return {
    checks: checks.rowCount ?? 0,
    observations: observations.rowCount ?? 0,
  };
}

/** Runs the anonymisation every `everyMs` on the service's clock. */
export function scheduleAnonymisation(
  pool: pg.Pool,
  clock: { now(): Date },
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void },
  everyMs = 10 * 60_000,
): () => void {
  const run = async () => {
    try {
      const done = await anonymisePlates(pool, clock.now());
      if (done.checks || done.observations) logger.info(done, 'plates anonymised');
    } catch (err) {
      logger.warn({ err }, 'anonymisation failed; will retry');
    }
  };
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
