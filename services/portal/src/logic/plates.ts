// Plates as PRODUCT.md normalises them: upper case, spaces and dashes removed; A–Z, Æ Ø Å and digits,
// 2–10 characters. The portal normalises as the customer types, so what they confirm is what is stored.
// A vehicle is a plate and the country it is registered in (NO unless said).

export const PLATE_PATTERN = /^[A-ZÆØÅ0-9]{2,10}$/;

export function normalisePlate(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

export type PlateProblem = 'plate_format' | 'plate_duplicate' | 'plate_too_many';

/**
 * Why `plate` (registered in `country`) cannot be added to `confirmed` (at most `max`), or null when it
 * can. The same plate from two countries is two vehicles.
 */
export function plateProblem(
  plate: string,
  confirmed: readonly (string | { plate: string; country: string })[],
  max: number,
  country = 'NO',
): PlateProblem | null {
  const p = normalisePlate(plate);
  if (!PLATE_PATTERN.test(p)) return 'plate_format';
  const same = (c: string | { plate: string; country: string }) =>
    typeof c === 'string' ? c === p && country === 'NO' : c.plate === p && c.country === country;
  if (confirmed.some(same)) return 'plate_duplicate';
  if (confirmed.length >= max) return 'plate_too_many';
  return null;
}

/** «AB12345», or «ABC123 (S)» for a foreign plate. */
export function vehicleLabel(v: { plate: string; country: string }): string {
  return v.country === 'NO' ? v.plate : `${v.plate} (${v.country})`;
}
