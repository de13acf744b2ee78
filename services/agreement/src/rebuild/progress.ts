// One line of progress at most every half second (rewritten in place on a terminal).
import type { RebuildProgress } from './beside.js';

export function progressPrinter(name: string, out: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  return (p: RebuildProgress) => {
    const now = performance.now();
    if (p.phase === 'replay' && now - last < 500) return;
    last = now;
    const percent = p.total ? Math.min(100, Math.floor((100 * p.handled) / p.total)) : 100;
    const rate = p.ms > 0 ? Math.round((p.handled * 1000) / p.ms) : 0;
    const line = `${name}: ${p.phase} ${p.handled}/${p.total} events (${percent}%), ${rate}/s`;
    out.write(out.isTTY ? `\r${line}\x1b[K${p.phase === 'done' ? '\n' : ''}` : `${line}\n`);
  };
}
