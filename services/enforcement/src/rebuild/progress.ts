// One line of progress at most every half second (rewritten in place on a terminal): the phase, how far
// (count and percent), the rate and the time left.
import type { RebuildProgress } from './rebuild.js';

export function formatProgress(name: string, p: RebuildProgress): string {
  const percent = p.total ? Math.min(100, Math.floor((100 * p.handled) / p.total)) : 100;
  const rate = p.ms > 0 ? Math.round((p.handled * 1000) / p.ms) : 0;
  const left = Math.max(0, p.total - p.handled);
  const eta = p.phase === 'done' ? 0 : rate > 0 ? Math.ceil(left / rate) : null;
  return (
    `${name}: ${p.phase} ${p.handled}/${p.total} events (${percent}%), ${rate}/s, ` +
    (eta === null ? 'ETA unknown' : `ETA ${eta} s`)
  );
}

export function progressPrinter(name: string, out: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  return (p: RebuildProgress) => {
    const now = performance.now();
    if (p.phase === 'read' && now - last < 500) return;
    last = now;
    const line = formatProgress(name, p);
    out.write(out.isTTY ? `\r${line}\x1b[K${p.phase === 'done' ? '\n' : ''}` : `${line}\n`);
  };
}
