// Stable error codes shared by every service and the gateway. The gateway maps them to HTTP statuses
// (libs/platform errors.ts); NATS replies carry them in the envelope.
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'PAYMENT_DECLINED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GONE',
  'PAYLOAD_TOO_LARGE',
  'RULE_VIOLATED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  /** JSON path of the field (`vehicles.0.plate`) or the rule's name. */
  path: string;
  message: string;
}

/** What travels in a failed reply and becomes a problem+json body at the gateway. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  fields?: FieldError[];
  /** Seconds, for RATE_LIMITED. */
  retryAfter?: number;
  /** A more specific problem type suffix, e.g. `idempotency-key-reused`. */
  type?: string;
  /** Extra data a client may need (e.g. the failed agreement on PAYMENT_DECLINED). */
  data?: unknown;
}

/** A business or protocol refusal: a value with a stable code, never an HTTP exception. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields?: FieldError[];
  readonly retryAfter?: number;
  readonly type?: string;
  readonly data?: unknown;

  constructor(code: ErrorCode, message: string, extra: Omit<ErrorBody, 'code' | 'message'> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = extra.fields;
    this.retryAfter = extra.retryAfter;
    this.type = extra.type;
    this.data = extra.data;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.fields) body.fields = this.fields;
    if (this.retryAfter !== undefined) body.retryAfter = this.retryAfter;
    if (this.type) body.type = this.type;
    if (this.data !== undefined) body.data = this.data;
    return body;
  }

  static fromBody(body: ErrorBody): AppError {
    return new AppError(body.code, body.message, body);
  }
}

/** Checks by code, not instanceof (errors cross module copies and process boundaries). */
export function isAppError(err: unknown): err is AppError {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((err as { code: string }).code) &&
    typeof (err as { toBody?: unknown }).toBody === 'function'
  );
}

export const validationError = (fields: FieldError[], message = 'The request is not valid') =>
  new AppError('VALIDATION', message, { fields });
export const ruleViolated = (fields: FieldError[], message = 'A business rule refuses the request') =>
  new AppError('RULE_VIOLATED', message, { fields });
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string, extra: Omit<ErrorBody, 'code' | 'message'> = {}) =>
  new AppError('CONFLICT', message, extra);
