// The console's rules that do not need the server: which pages a role sees (the gateway refuses the
// rest anyway), reading a staff list from a CSV file, and the parts of a form the API takes.

export type AdminPage = 'agreements' | 'products' | 'receipts' | 'devices' | 'users' | 'sanctions';

/** The console's pages in menu order, and the roles that open each (API.md's route roles). */
export const ADMIN_PAGES: readonly { page: AdminPage; roles: readonly string[] }[] = [
  { page: 'agreements', roles: ['operator'] },
  { page: 'products', roles: ['operator'] },
  { page: 'receipts', roles: ['operator'] },
  { page: 'devices', roles: ['operator'] },
  { page: 'users', roles: ['operator'] },
  { page: 'sanctions', roles: ['operator', 'officer'] },
];

export function adminPagesFor(roles: readonly string[]): AdminPage[] {
  return ADMIN_PAGES.filter((p) => p.roles.some((r) => roles.includes(r))).map((p) => p.page);
}

export const isStaff = (roles: readonly string[]) => adminPagesFor(roles).length > 0;

/** Officers issue sanctions; operators only read and cancel them. */
export const canIssueSanction = (roles: readonly string[]) => roles.includes('officer');

export interface StaffCsv {
  numbers: string[];
  /** Lines that held something that is not an employee number (1-based line numbers). */
  rejected: { line: number; text: string }[];
  duplicates: number;
}

/** An employee number: 1–40 letters, digits, '-', '_', '.' or '/' (anything else is a typo or a header). */
const EMPLOYEE_NUMBER = /^[\p{L}\p{N}._/-]{1,40}$/u;
const HEADER = /^(ansatt|employee|nummer|number|ansattnummer|employee ?number|id)$/i;

/**
 * A staff list from a CSV file as HR systems export it: one number per line, or the first column of
 * a `;`, `,` or tab separated file, a header line allowed, quotes and blanks ignored.
 */
export function parseStaffCsv(text: string): StaffCsv {
  const seen = new Set<string>();
  const rejected: StaffCsv['rejected'] = [];
  let duplicates = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const first = raw
      .split(/[;,\t]/)[0]
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (!first) return;
    if (i === 0 && HEADER.test(first)) return;
    if (!EMPLOYEE_NUMBER.test(first)) {
      rejected.push({ line: i + 1, text: first.slice(0, 40) });
      return;
    }
    if (seen.has(first)) duplicates += 1;
    else seen.add(first);
  });
  return { numbers: [...seen], rejected, duplicates };
}

/** Kroner as typed («1 250», «1250,50», «1250.5») → øre, or null when it is not an amount. */
export function parseKroner(typed: string): number | null {
  const clean = typed.replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(clean)) return null;
  return Math.round(Number(clean) * 100);
}

/** API.md (PATCH products): renewal charges take a new price from 30 days after the change. */
export const PRICE_NOTICE_DAYS = 30;

export function renewalsPayNewPriceFrom(changedAt: Date): Date {
  return new Date(changedAt.getTime() + PRICE_NOTICE_DAYS * 24 * 3600 * 1000);
}
