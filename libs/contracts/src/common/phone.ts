// Phone numbers in E.164; a bare 8-digit number is Norwegian (+47).
import { z } from 'zod';

export function normalisePhone(raw: string): string | null {
  const compact = raw.replace(/[\s()-]/g, '');
  if (/^\d{8}$/.test(compact)) return `+47${compact}`;
  if (/^00\d{8,15}$/.test(compact)) return `+${compact.slice(2)}`;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  return null;
}

export const phoneSchema = z
  .string()
  .max(32)
  .transform((raw, ctx) => {
    const phone = normalisePhone(raw);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'a mobile number in E.164 form (+4791234567) or 8 digits' });
      return z.NEVER;
    }
    return phone;
  });
