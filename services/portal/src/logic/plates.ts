// Plates as PRODUCT.md normalises them: upper case, spaces and dashes removed; A–Z, Æ Ø Å and digits,
// 2–10 characters. The portal normalises as the customer types, so what they confirm is what is stored.

export const PLATE_PATTERN = /^[A-ZÆØÅ0-9]{2,10}$/;

export function normalisePlate(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, '');
}

export type PlateProblem = 'plate_format' | 'plate_duplicate' | 'plate_too_many';

/** Why `plate` cannot be added to `confirmed` (at most `max` plates), or null when it can. */
export function plateProblem(plate: string, confirmed: readonly string[], max: number): PlateProblem | null {
  const p = normalisePlate(plate);
  if (!PLATE_PATTERN.test(p)) return 'plate_format';
  if (confirmed.includes(p)) return 'plate_duplicate';
  if (confirmed.length >= max) return 'plate_too_many';
  return null;
}
