// Plates: upper case, spaces and dashes removed; A–Z, Æ, Ø, Å and digits; 2–10 characters; with a country.
import { z } from 'zod';
import { isVehicleCountry } from '../countries/index.js';

const PLATE = /^[A-ZÆØÅ0-9]{2,10}$/;

export function normalisePlate(raw: string): string | null {
  const plate = raw
    .normalize('NFC')
    .toUpperCase()
    .replace(/[\s-]+/g, '');
  return PLATE.test(plate) ? plate : null;
}

/** One of the international vehicle codes in countries/ (NO, S, DK, FIN, D, …), any case. */
export const countrySchema = z
  .string()
  .regex(/^[A-Za-z]{1,3}$/, 'a country code of 1 to 3 letters (e.g. NO, S, DK)')
  .refine(isVehicleCountry, 'not an accepted vehicle country code (NO, S, DK, FIN, D, …; see the list)')
  .transform((c) => c.toUpperCase());

export const plateSchema = z
  .string()
  .max(40)
  .transform((raw, ctx) => {
    const plate = normalisePlate(raw);
    if (!plate) {
      ctx.addIssue({ code: 'custom', message: 'a plate is 2–10 letters (A–Z, Æ, Ø, Å) and digits' });
      return z.NEVER;
    }
    return plate;
  });

export const vehicleSchema = z.object({ plate: plateSchema, country: countrySchema.default('NO') });
export type Vehicle = z.infer<typeof vehicleSchema>;
