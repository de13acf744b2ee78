// The bounds of a receipt export: an instant as given, or a calendar date in Europe/Oslo (`from` at
// the start of that day, `to` through the end of that day).
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Minutes east of UTC of Europe/Oslo at `at`. */
function osloOffsetMinutes(at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')!.value; // "GMT+1" / "GMT+2"
  const m = /GMT([+-]\d+)?(?::(\d+))?/.exec(name);
  return m && m[1] ? Number(m[1]) * 60 + Math.sign(Number(m[1])) * Number(m[2] ?? 0) : 0;
}

/** 00:00 in Europe/Oslo on a calendar date. */
export function osloMidnight(date: string): Date {
  const utcMidnight = new Date(`${date}T00:00:00Z`);
  const guess = new Date(utcMidnight.getTime() - osloOffsetMinutes(utcMidnight) * 60_000);
  // The offset at the guess may differ across a daylight-saving change at midnight: correct once.
  return new Date(utcMidnight.getTime() - osloOffsetMinutes(guess) * 60_000);
}

export function exportRange(from?: string, to?: string): { from: Date | null; toExclusive: Date | null } {
  const start = from ? (DATE.test(from) ? osloMidnight(from) : new Date(from)) : null;
  let end: Date | null = null;
  if (to) {
    if (DATE.test(to)) {
      const next = new Date(`${to}T00:00:00Z`);
      next.setUTCDate(next.getUTCDate() + 1);
      end = osloMidnight(next.toISOString().slice(0, 10));
    } else end = new Date(to);
  }
  return { from: start, toExclusive: end };
}
