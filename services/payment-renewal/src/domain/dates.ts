// Dates as customers read them: the calendar day in the location's time zone, Bokmål style d.m.yyyy.
const formats = new Map<string, Intl.DateTimeFormat>();

/** `2026-12-01T23:00:00Z` in Europe/Oslo → `2.12.2026`. */
export function localDay(instant: Date, timeZone: string): string {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'numeric', year: 'numeric' });
    formats.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${Number(parts.day)}.${Number(parts.month)}.${parts.year}`;
}
