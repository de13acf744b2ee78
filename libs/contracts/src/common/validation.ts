// zod issues → field errors (`vehicles.0.plate`), and a parse that throws VALIDATION naming each field.
import type { z } from 'zod';
import { AppError, type FieldError } from './errors.js';

export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

/** Parses `input` or throws AppError VALIDATION (400) whose fields name every bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = zodFieldErrors(result.error).map((f) =>
    prefix ? { ...f, path: f.path === '(body)' ? prefix : `${prefix}.${f.path}` } : f,
  );
  throw new AppError('VALIDATION', 'The request is not valid', { fields });
}
