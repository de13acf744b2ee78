// Helpers for journeys over HTTP: a whole stack per suite (own databases, own nats-server), and small
// clients that speak API.md.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStack, type Stack } from '../../deploy/local/stack.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface JourneyStack {
  stack: Stack;
  api: Api;
  stop(): Promise<void>;
}

/**
 * Starts every service and the gateway as child processes (the built `dist/main.js`), each on its own
 * fresh database on TEST_DATABASE_URL's server, with a private nats-server so that no other stack or
 * test sees its subjects or its PARKING stream (see deploy/local/stack.mjs).
 */
export async function startJourneyStack(env: Record<string, string> = {}): Promise<JourneyStack> {
  const adminDatabaseUrl = process.env.TEST_DATABASE_URL;
  if (!adminDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const databasePrefix = `e2e_${randomBytes(4).toString('hex')}`;
  // No natsUrl: the stack starts (and removes) a nats-server of its own.
  const stack = await startStack({
    adminDatabaseUrl,
    databasePrefix,
    env: { LOG_LEVEL: 'warn', ...env },
    logDir: path.join(root, 'test-artifacts', 'logs', databasePrefix),
  });
  return {
    stack,
    api: new Api(stack.gatewayUrl),
    stop: () => stack.stop(),
  };
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body };
  }

  get<T = any>(path: string, token?: string, headers?: Record<string, string>) {
    return this.call<T>('GET', path, { token, headers });
  }

  post<T = any>(path: string, body: unknown, token?: string, headers?: Record<string, string>) {
    return this.call<T>('POST', path, { body, token, headers });
  }

  /** Signs in by SMS code through the dev inbox, as a customer would. Returns the access token. */
  async signInBySms(phone: string, headers: Record<string, string> = {}): Promise<string> {
    const challenge = await this.post('/v1/auth/otp', { phone }, undefined, headers);
    if (challenge.status !== 202)
      throw new Error(`otp: ${challenge.status} ${JSON.stringify(challenge.body)}`);
    const inbox = await this.get(`/v1/dev/sms?phone=${encodeURIComponent(phone)}`);
    const code = /\b(\d{6})\b/.exec(inbox.body.items[0].text)?.[1];
    if (!code) throw new Error(`no code in the dev inbox: ${JSON.stringify(inbox.body)}`);
    const verified = await this.post(
      '/v1/auth/otp/verify',
      { challengeId: challenge.body.challengeId, code },
      undefined,
      headers,
    );
    if (verified.status !== 200)
      throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
    return verified.body.accessToken;
  }

  async logIn(phone: string, password: string, headers: Record<string, string> = {}): Promise<string> {
    const res = await this.post('/v1/auth/login', { phone, password }, undefined, headers);
    if (res.status !== 200) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  }
}

/** Retries `probe` until `done` holds (eventual consistency between services), or fails with the last value. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
