// Calendar-true period arithmetic in a location's time zone (PRODUCT.md "Agreement"): periods are
// anchored to the first start, months clamp to the month's last day, `validTo` is exclusive, and a
// period across a daylight-saving change is still whole calendar days. Only a day product that starts
// at purchase («døgn») is counted in hours: 24 hours from the purchase instant.
export type PeriodUnit = 'day' | 'week' | 'month' | 'year';
export interface PeriodSpec {
  unit: PeriodUnit;
  count: number;
}

export interface LocalDateTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `instant` in `timeZone`. */
export function toLocal(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: instant.getUTCMilliseconds(),
  };
}

function offsetAt(instantMs: number, timeZone: string): number {
  const l = toLocal(new Date(instantMs), timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);
  return asUtc - instantMs;
}

/**
 * The instant a wall-clock time happens in `timeZone`. A time skipped by a spring-forward change maps
 * to the instant after the gap; an ambiguous autumn time to its first occurrence.
 */
export function fromLocal(local: LocalDateTime, timeZone: string): Date {
  const wall = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  const candidates = [first, second].filter((t) => {
    const back = toLocal(new Date(t), timeZone);
    return back.hour === local.hour && back.day === local.day;
  });
  if (candidates.length) return new Date(Math.min(...candidates));
  return new Date(Math.max(first, second));
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `anchor` plus `months` calendar months, clamped to the last day of the target month. */
function addMonths(anchor: LocalDateTime, months: number): LocalDateTime {
  const index = anchor.year * 12 + (anchor.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { ...anchor, year, month, day: Math.min(anchor.day, daysInMonth(year, month)) };
}

function addDays(anchor: LocalDateTime, days: number): LocalDateTime {
  const d = new Date(Date.UTC(anchor.year, anchor.month - 1, anchor.day + days));
  return { ...anchor, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The local date-time `n` whole periods after the anchor (n = 1 is the end of the first period). */
function advance(anchor: LocalDateTime, spec: PeriodSpec, n: number): LocalDateTime {
  switch (spec.unit) {
    case 'day':
      return addDays(anchor, spec.count * n);
    case 'week':
      return addDays(anchor, 7 * spec.count * n);
    case 'month':
      return addMonths(anchor, spec.count * n);
    case 'year':
      return addMonths(anchor, 12 * spec.count * n);
  }
}

export interface PeriodWindow {
  from: Date;
  /** Exclusive. */
  to: Date;
}

/**
 * The `periodNumber`-th period (1-based) of an agreement that first started at `firstStart`.
 * `inHours`: a day product that starts at purchase lasts 24 hours per day, not calendar days.
 */
export function periodWindow(
  firstStart: Date,
  spec: PeriodSpec,
  periodNumber: number,
  timeZone: string,
  inHours = false,
): PeriodWindow {
  if (inHours && spec.unit === 'day') {
    const length = spec.count * 24 * 3_600_000;
    return {
      from: new Date(firstStart.getTime() + length * (periodNumber - 1)),
      to: new Date(firstStart.getTime() + length * periodNumber),
    };
  }
  const anchor = toLocal(firstStart, timeZone);
  const from = periodNumber === 1 ? firstStart : fromLocal(advance(anchor, spec, periodNumber - 1), timeZone);
  return { from, to: fromLocal(advance(anchor, spec, periodNumber), timeZone) };
}

/** A calendar date `YYYY-MM-DD` as its local midnight in `timeZone`. */
export function startOfLocalDate(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  return fromLocal({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** Today's date in `timeZone` as `YYYY-MM-DD`. */
export function localDate(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

/** Whole calendar days from date `a` to date `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function isValidDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** How long a period is, in days, for the "more than one vehicle only beyond 14 days" rule. */
export function nominalDays(spec: PeriodSpec): number {
  const perUnit = { day: 1, week: 7, month: 28, year: 365 }[spec.unit];
  return perUnit * spec.count;
}
