// Structured JSON logs (pino) that never carry phone numbers, one-time codes, passwords or tokens.
import type { LoggerService } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

const SECRET_KEYS = [
  'phone',
  'code',
  'otp',
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'clientSecret',
  'cardToken',
  'authorization',
  'cookie',
  'secret',
];
const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
];

// E.164, also as people type it: `+4791234567`, `+47 912 34 567`, `+47-912-34-567`.
const PHONE = /\+\d(?:[ -]?\d){7,14}\b/g;
/** Masks E.164 phone numbers inside free text, keeping the country code and the last two digits. */
export const maskPhones = (text: string) =>
  text.replace(PHONE, (m) => {
    const digits = m.replace(/\D/g, '');
    return `+${digits.slice(0, 2)}******${digits.slice(-2)}`;
  });

/** Errors keep their stack, minus phone numbers; `code` moves to `errorCode` so redaction spares it. */
function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { code, ...rest } = pino.stdSerializers.err(err) as ReturnType<typeof pino.stdSerializers.err> & {
    code?: unknown;
  };
  return {
    ...rest,
    ...(code === undefined ? {} : { errorCode: code }),
    message: maskPhones(rest.message),
    stack: maskPhones(rest.stack),
  };
}

export function createLogger(options: {
  name: string;
  level?: string;
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: options.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      mixin() {
        const span = trace.getActiveSpan()?.spanContext();
        return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    options.destination,
  );
}

/** Nest's own log lines, as JSON through pino. Nest passes the context as the last extra argument. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    // Nest calls error(message, stack?, context?).
    const [stack, context] = rest.length >= 2 ? rest : [undefined, rest[0]];
    if (message instanceof Error) this.logger.error({ err: message, context }, message.message);
    else this.logger.error({ context, stack }, String(message));
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]) {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...message });
    else this.logger[level]({ context }, String(message));
  }
}
