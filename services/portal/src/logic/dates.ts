// Calendar dates in a location's time zone, for the start-date picker: a chosen start is today or later,
// at most 90 days ahead (PRODUCT.md); a product that starts at purchase has no date to pick.

export const MAX_DAYS_AHEAD = 90;

/** `YYYY-MM-DD` of the instant `now` in `timeZone`. */
export function localDate(now: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export type StartChoice =
  { kind: 'at_purchase' } | { kind: 'chosen'; min: string; max: string; suggested: string };

export function startChoice(startPolicy: 'chosen' | 'at_purchase', now: Date, timeZone: string): StartChoice {
  if (startPolicy === 'at_purchase') return { kind: 'at_purchase' };
  const today = localDate(now, timeZone);
  return { kind: 'chosen', min: today, max: addDays(today, MAX_DAYS_AHEAD), suggested: today };
}

/** A picked date outside the product's window: 'start_required', 'start_past' or 'start_too_late'. */
export function startDateProblem(
  choice: StartChoice,
  date: string,
): 'start_required' | 'start_past' | 'start_too_late' | null {
  if (choice.kind === 'at_purchase') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'start_required';
  if (date < choice.min) return 'start_past';
  if (date > choice.max) return 'start_too_late';
  return null;
}
