// The one list of vehicle countries: what the API accepts in `country` (vehicles, checks) is exactly
// what the portal offers.
import { describe, expect, it } from '@jest/globals';
import { countrySchema, vehicleSchema } from '../common/plate.js';
import { checkSchema } from '../enforcement/index.js';
import {
  DEFAULT_VEHICLE_COUNTRY,
  VEHICLE_COUNTRIES,
  VEHICLE_COUNTRY_CODES,
  isVehicleCountry,
} from './index.js';

describe('vehicle countries', () => {
  it('holds Norway as NO (the default) and the international codes of its neighbours', () => {
    expect(DEFAULT_VEHICLE_COUNTRY).toBe('NO');
    expect(VEHICLE_COUNTRY_CODES[0]).toBe('NO');
    for (const code of ['S', 'DK', 'FIN', 'D', 'PL', 'LT', 'GB'])
      expect(VEHICLE_COUNTRY_CODES).toContain(code);
  });

  it('names every code once, in both languages, in the 1–3 capital letters the API takes', () => {
    expect(new Set(VEHICLE_COUNTRY_CODES).size).toBe(VEHICLE_COUNTRIES.length);
    for (const c of VEHICLE_COUNTRIES) {
      expect(c.code).toMatch(/^[A-Z]{1,3}$/);
      expect(c.nb.length).toBeGreaterThan(0);
      expect(c.en.length).toBeGreaterThan(0);
    }
  });

  it('is what the API accepts: any listed code in any case, nothing else', () => {
    expect(countrySchema.parse('s')).toBe('S');
    expect(countrySchema.parse('fin')).toBe('FIN');
    for (const code of VEHICLE_COUNTRY_CODES) expect(countrySchema.safeParse(code).success).toBe(true);
    // ISO codes that are not vehicle codes (Sweden is S, Germany D) and made-up ones are refused.
    for (const code of ['SE', 'DE', 'XX', 'Q', '']) {
      expect(isVehicleCountry(code)).toBe(false);
      expect(countrySchema.safeParse(code).success).toBe(false);
    }
    expect(vehicleSchema.parse({ plate: 'ab 123' })).toEqual({ plate: 'AB123', country: 'NO' });
    expect(vehicleSchema.safeParse({ plate: 'AB123', country: 'SE' }).success).toBe(false);
  });

  it('is what the enforcement check takes in its query', () => {
    const base = { plate: 'AB123', zone: 'z1' };
    expect(checkSchema.safeParse({ ...base, country: 'dk' }).success).toBe(true);
    const refused = checkSchema.safeParse({ ...base, country: 'DE' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0].path).toEqual(['country']);
  });
});
