// API errors (RFC 9457 problem+json) placed where they belong: each `errors[].path` beside its field,
// the rest in the form's own message.

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export interface PlacedProblem {
  /** Messages per form field, keyed by the field names the form knows. */
  fields: Record<string, string>;
  /** What belongs to no field the form shows. */
  general: string | null;
}

/**
 * `fieldOf` maps an API path (`vehicles.0.plate`, `employeeNumber`) to a form field or null. An error
 * whose path the form does not show goes to the general message, so nothing is lost.
 */
export function placeProblem(problem: Problem, fieldOf: (path: string) => string | null): PlacedProblem {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const e of problem.errors ?? []) {
    const field = fieldOf(e.path.replace(/^\//, '').replace(/\//g, '.'));
    if (field && !fields[field]) fields[field] = e.message;
    else rest.push(e.message);
  }
  if (Object.keys(fields).length && !rest.length) return { fields, general: null };
  const general = [problem.detail ?? problem.title, ...rest].filter(Boolean).join(' ');
  return { fields, general: general || `HTTP ${problem.status}` };
}

/** The purchase form's fields. */
export function purchaseFieldOf(path: string): string | null {
  if (path === 'employeeNumber') return 'employeeNumber';
  if (path === 'startDate') return 'startDate';
  if (path === 'vehicles' || path.startsWith('vehicles.')) return 'vehicles';
  if (path === 'acceptedTermsId') return 'terms';
  if (path === 'paymentMethodId') return 'card';
  return null;
}
