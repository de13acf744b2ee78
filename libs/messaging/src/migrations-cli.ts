// The migrations of one service's database, from the command line (in a checkout after `npm run build`,
// or inside that service's image):
//   node libs/messaging/dist/migrations-cli.js status <service>   what is applied, pending, changed
//   node libs/messaging/dist/migrations-cli.js up <service>       apply what is pending (as a start does)
// DATABASE_URL names the database; without it, the local one of `npm start`
// (postgres://postgres@127.0.0.1:55432/parking_<service>). Exit code 1 when something is pending,
// changed or refused, so a deploy script can wait on `status`.
import { migrationStatus, runMigrations } from '@parking/event-store';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { databaseMigrations } from './migrations.js';

const SERVICES = ['identity', 'catalogue', 'agreement', 'payment-renewal', 'enforcement'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function usage(): never {
  process.stderr.write(`usage: migrations-cli.js status|up <${SERVICES.join('|')}>\n`);
  process.exit(2);
}

const [command, service] = process.argv.slice(2);
if (!['status', 'up'].includes(command ?? '') || !SERVICES.includes(service ?? '')) usage();
const url =
  process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:55432/parking_${service!.replaceAll('-', '_')}`;
const module = pathToFileURL(path.join(root, 'services', service!, 'dist', 'migrations', 'index.js')).href;
const { migrations } = (await import(module)) as { migrations: Parameters<typeof databaseMigrations>[0] };
const all = databaseMigrations(migrations);
const pool = new pg.Pool({ connectionString: url, max: 2 });
try {
  if (command === 'up') {
    const applied = await runMigrations(pool, all);
    process.stdout.write(applied.length ? `applied ${applied.join(', ')}\n` : 'nothing to apply\n');
  } else {
    const status = await migrationStatus(pool, all);
    for (const m of status)
      process.stdout.write(`${m.state.padEnd(8)} ${m.id.padEnd(72)} ${m.appliedAt?.toISOString() ?? ''}\n`);
    const open = status.filter((m) => m.state === 'pending' || m.state === 'changed').length;
    process.stdout.write(`${status.length} migrations, ${open} pending or changed\n`);
    process.exitCode = open ? 1 : 0;
  }
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
