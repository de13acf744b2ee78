// The countries a vehicle can be registered in, by the international vehicle registration code (the
// distinguishing sign on the car's oval sticker or EU band: S, DK, FIN, D, …), with Norway as `NO`
// (the platform's default since the start). This one list is what the API accepts in a vehicle's or a
// check's `country` and what the portal offers: an unlisted code is refused with 400, so a plate
// registered under a code the enforcement check would never match cannot be entered.
// Kept free of dependencies: the portal's bundle imports it as is.

export interface VehicleCountry {
  code: string;
  nb: string;
  en: string;
}

/** Norway first (the default), then the Nordic countries, then the rest of Europe by code. */
export const VEHICLE_COUNTRIES: readonly VehicleCountry[] = [
  { code: 'NO', nb: 'Norge', en: 'Norway' },
  { code: 'S', nb: 'Sverige', en: 'Sweden' },
  { code: 'DK', nb: 'Danmark', en: 'Denmark' },
  { code: 'FIN', nb: 'Finland', en: 'Finland' },
  { code: 'IS', nb: 'Island', en: 'Iceland' },
  { code: 'FO', nb: 'Færøyene', en: 'Faroe Islands' },
  { code: 'A', nb: 'Østerrike', en: 'Austria' },
  { code: 'B', nb: 'Belgia', en: 'Belgium' },
  { code: 'BG', nb: 'Bulgaria', en: 'Bulgaria' },
  { code: 'BIH', nb: 'Bosnia-Hercegovina', en: 'Bosnia and Herzegovina' },
  { code: 'BY', nb: 'Belarus', en: 'Belarus' },
  { code: 'CH', nb: 'Sveits', en: 'Switzerland' },
  { code: 'CY', nb: 'Kypros', en: 'Cyprus' },
  { code: 'CZ', nb: 'Tsjekkia', en: 'Czechia' },
  { code: 'D', nb: 'Tyskland', en: 'Germany' },
  { code: 'E', nb: 'Spania', en: 'Spain' },
  { code: 'EST', nb: 'Estland', en: 'Estonia' },
  { code: 'F', nb: 'Frankrike', en: 'France' },
  { code: 'FL', nb: 'Liechtenstein', en: 'Liechtenstein' },
  { code: 'GB', nb: 'Storbritannia', en: 'United Kingdom' },
  { code: 'GR', nb: 'Hellas', en: 'Greece' },
  { code: 'H', nb: 'Ungarn', en: 'Hungary' },
  { code: 'HR', nb: 'Kroatia', en: 'Croatia' },
  { code: 'I', nb: 'Italia', en: 'Italy' },
  { code: 'IRL', nb: 'Irland', en: 'Ireland' },
  { code: 'L', nb: 'Luxembourg', en: 'Luxembourg' },
  { code: 'LT', nb: 'Litauen', en: 'Lithuania' },
  { code: 'LV', nb: 'Latvia', en: 'Latvia' },
  { code: 'M', nb: 'Malta', en: 'Malta' },
  { code: 'MC', nb: 'Monaco', en: 'Monaco' },
  { code: 'MD', nb: 'Moldova', en: 'Moldova' },
  { code: 'MK', nb: 'Nord-Makedonia', en: 'North Macedonia' },
  { code: 'MNE', nb: 'Montenegro', en: 'Montenegro' },
  { code: 'NL', nb: 'Nederland', en: 'Netherlands' },
  { code: 'P', nb: 'Portugal', en: 'Portugal' },
  { code: 'PL', nb: 'Polen', en: 'Poland' },
  { code: 'RO', nb: 'Romania', en: 'Romania' },
  { code: 'RSM', nb: 'San Marino', en: 'San Marino' },
  { code: 'SK', nb: 'Slovakia', en: 'Slovakia' },
  { code: 'SLO', nb: 'Slovenia', en: 'Slovenia' },
  { code: 'SRB', nb: 'Serbia', en: 'Serbia' },
  { code: 'TR', nb: 'Tyrkia', en: 'Türkiye' },
  { code: 'UA', nb: 'Ukraina', en: 'Ukraine' },
  { code: 'AL', nb: 'Albania', en: 'Albania' },
  { code: 'AND', nb: 'Andorra', en: 'Andorra' },
];

export const DEFAULT_VEHICLE_COUNTRY = 'NO';

export const VEHICLE_COUNTRY_CODES: readonly string[] = VEHICLE_COUNTRIES.map((c) => c.code);

const CODES = new Set(VEHICLE_COUNTRY_CODES);

/** Whether `code` (any case) is one of the accepted codes. */
export function isVehicleCountry(code: string): boolean {
  return CODES.has(code.toUpperCase());
}
