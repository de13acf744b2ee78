// Configuration from environment variables, validated at start-up: a bad or missing value stops the
// process with one line naming it.
import { z } from 'zod';
import { productionProblems } from './production-guards.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * 'true'/'false' (or 1/0). Absent stays absent here: the default depends on NODE_ENV, which one field
 * cannot see, so parseConfig fills it in (see resolveDemoData). Hence the output typed as plain boolean.
 */
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => (v === undefined ? (undefined as unknown as boolean) : v === 'true' || v === '1'));

/** The environment shared by every process, the gateway included. */
export const commonConfig = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  HOST: z.string().min(1).default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Replicas of the PARKING stream when this process creates it (3 on a NATS cluster); never lowered. */
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
});

/** A service's environment; each service `.extend()`s it. */
export const baseServiceConfig = commonConfig.extend({
  DATABASE_URL: z.url(),
  /** The health and metrics port. */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  /** How long a consumer retries a failing event before dead-lettering it (libs/messaging). */
  CONSUMER_RETRY_HOURS: z.coerce
    .number()
    .min(0.001)
    .max(24 * 14)
    .default(24),
  /** Load the demo data of API.md; unset means: yes, unless NODE_ENV=production. */
  DEMO_DATA: flag,
});

export type CommonConfig = z.output<typeof commonConfig>;
export type BaseServiceConfig = z.output<typeof baseServiceConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const EXPECTED: Record<string, string> = {
  number: 'expected a number',
  int: 'expected an integer',
  string: 'expected text',
  boolean: 'expected true or false',
};

/** What is wrong with one variable, in a few words; never the value itself (it may be a secret). */
function describeIssue(issue: z.core.$ZodIssue, env: Record<string, unknown>): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.path.length === 1 && env[String(issue.path[0])] === undefined) return 'required';
      return EXPECTED[issue.expected] ?? `expected ${issue.expected}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'expected a URL' : `expected ${issue.format}`;
    case 'invalid_value':
      if (issue.values.includes('true') && issue.values.includes('false')) return EXPECTED.boolean!;
      return `expected one of ${issue.values.join('|')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** `DATABASE_URL: required; HTTP_PORT: expected a number` */
export function describeIssues(error: z.ZodError, env: Record<string, unknown> = {}): string {
  return error.issues
    .map((i) => `${i.path.join('.') || '(environment)'}: ${describeIssue(i, env)}`)
    .join('; ');
}

/** DEMO_DATA, when the schema has it and it is unset: yes, unless NODE_ENV=production. */
function resolveDemoData(schema: z.ZodType, data: unknown): void {
  if (!(schema instanceof z.ZodObject) || !('DEMO_DATA' in schema.shape)) return;
  const config = data as { NODE_ENV?: string; DEMO_DATA?: boolean };
  config.DEMO_DATA ??= config.NODE_ENV !== 'production';
}

/** Validates the environment; throws a ConfigError whose message is the one line loadConfig prints. */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  // An empty variable (`FOO=` in a compose file) means unset, so that its default applies.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) throw new ConfigError(`config: ${describeIssues(result.error, present)}`);
  resolveDemoData(schema, result.data);
  return result.data;
}

/**
 * Validates the environment, or prints one line naming each bad variable and exits with 1; in
 * production also refuses the unsafe settings of production-guards.ts the same way.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  try {
    const config = parseConfig(schema, env);
    const problems = productionProblems(config as Record<string, unknown>);
    if (problems.length) throw new ConfigError(`config: ${problems.join('; ')}`);
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

/** Whether demo data is loaded, for a config not read through parseConfig/loadConfig. */
export function demoDataEnabled(config: { NODE_ENV: string; DEMO_DATA?: boolean }): boolean {
  return config.DEMO_DATA ?? config.NODE_ENV !== 'production';
}
