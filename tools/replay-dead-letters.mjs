// `npm run replay-dead-letters -- <service> [consumer]`: marks a service's unresolved dead letters (or
// one consumer's) for replay; the running service handles each again within seconds and resolves it,
// or keeps it with the new error (see libs/messaging/src/dead-letters.ts and docs/operations.md).
// Uses DATABASE_URL when set (the service's own, as in its pod), otherwise the database of a running
// `npm start`. Fix the cause first: a letter that fails again waits for the next replay.
import pg from 'pg';
import { SERVICES } from '../deploy/local/services.mjs';

const [service, consumer] = process.argv.slice(2);
const known = SERVICES.find((s) => s.name === service);
if (!known) {
  console.error(
    `usage: npm run replay-dead-letters -- <service> [consumer]\n  service: ${SERVICES.map((s) => s.name).join(' | ')}`,
  );
  process.exit(2);
}
let url = process.env.DATABASE_URL;
if (!url) {
  url = `postgres://postgres@127.0.0.1:55432/${known.database}`;
  console.error(`DATABASE_URL is not set: using npm start's ${url}`);
}
const pool = new pg.Pool({ connectionString: url, max: 1 });
try {
  const { rows } = await pool.query(
    `update messaging.dead_letters set replay_requested_at = now()
     where resolved_at is null and ($1::text is null or consumer = $1)
     returning consumer`,
    [consumer ?? null],
  );
  const byConsumer = {};
  for (const r of rows) byConsumer[r.consumer] = (byConsumer[r.consumer] ?? 0) + 1;
  console.log(
    rows.length
      ? `marked ${rows.length} dead letter(s) for replay: ${JSON.stringify(byConsumer)}`
      : 'no unresolved dead letters',
  );
} finally {
  await pool.end();
}
