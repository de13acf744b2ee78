// The portal's client of the gateway's public API (API.md), on the portal's own origin (its server
// passes /v1/* on). Every call carries the operator's slug as `x-operator`; the session's tokens are
// kept per operator, and a 401 is answered once by refreshing them.
import type { Problem } from './logic/problems.js';

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status() {
    return this.problem.status;
  }
  /** The network failed: no answer at all (status 0). */
  get offline() {
    return this.problem.status === 0;
  }
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

let operator: string | null = null;
let session: Session | null = null;
const listeners = new Set<() => void>();

const sessionKey = () => `portal.session.${operator ?? '-'}`;

export function setOperator(slug: string) {
  operator = slug;
  try {
    session = JSON.parse(localStorage.getItem(sessionKey()) ?? 'null');
  } catch {
    session = null;
  }
  listeners.forEach((l) => l());
}

export const getOperator = () => operator;
export const getSession = () => session;

export function setSession(next: Session | null) {
  session = next;
  if (next) localStorage.setItem(sessionKey(), JSON.stringify(next));
  else localStorage.removeItem(sessionKey());
  listeners.forEach((l) => l());
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

interface Options {
  body?: unknown;
  /** Sends the access token (default: when there is one). */
  auth?: boolean;
  idempotencyKey?: string;
  accept?: string;
}

async function send(method: string, path: string, options: Options): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  if (operator) headers['x-operator'] = operator;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.auth !== false && session) headers.authorization = `Bearer ${session.accessToken}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  try {
    return await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError({ status: 0, title: 'offline' });
  }
}

let refreshing: Promise<boolean> | null = null;
function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const current = session;
    if (!current) return false;
    const res = await send('POST', '/v1/auth/refresh', {
      body: { refreshToken: current.refreshToken },
      auth: false,
    });
    if (res.status !== 200) {
      setSession(null);
      return false;
    }
    const body = await res.json();
    setSession({ accessToken: body.accessToken, refreshToken: body.refreshToken });
    return true;
  })().finally(() => (refreshing = null));
  return refreshing;
}

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    return { ...body, status: res.status };
  } catch {
    return { status: res.status, title: res.statusText };
  }
}

/** Calls the API; resolves the body of a 2xx answer (null when empty), else throws an ApiError. */
export async function call<T = any>(method: string, path: string, options: Options = {}): Promise<T> {
  let res = await send(method, path, options);
  if (res.status === 401 && session && options.auth !== false && !path.startsWith('/v1/auth/')) {
    if (await refresh()) res = await send(method, path, options);
  }
  if (!res.ok) throw new ApiError(await problemOf(res));
  const text = await res.text();
  if (!text) return null as T;
  return (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : (text as T);
}

/** Like call, but also gives the status (202 vs 201 matter to the card and purchase steps). */
export async function callWithStatus<T = any>(
  method: string,
  path: string,
  options: Options = {},
): Promise<{ status: number; body: T }> {
  let res = await send(method, path, options);
  if (res.status === 401 && session && options.auth !== false) {
    if (await refresh()) res = await send(method, path, options);
  }
  if (!res.ok) throw new ApiError(await problemOf(res));
  return { status: res.status, body: await res.json() };
}

export const get = <T = any>(path: string) => call<T>('GET', path);
export const post = <T = any>(path: string, body?: unknown) => call<T>('POST', path, { body: body ?? {} });
export const put = <T = any>(path: string, body: unknown) => call<T>('PUT', path, { body });
export const del = <T = any>(path: string) => call<T>('DELETE', path);

export async function logout() {
  const current = session;
  setSession(null);
  if (current)
    await call('POST', '/v1/auth/logout', { body: { refreshToken: current.refreshToken } }).catch(() => {});
}

export const newIdempotencyKey = () => crypto.randomUUID();

/**
 * A POST with upload progress (a staff list can be 2 MiB): fetch cannot report progress on a request
 * body, XMLHttpRequest can. Same headers, the same one refresh on a 401, the same errors as `call`.
 */
export async function postWithProgress<T = any>(
  path: string,
  body: unknown,
  onProgress: (fraction: number) => void,
): Promise<T> {
  const once = () =>
    new Promise<{ status: number; text: string; statusText: string }>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('content-type', 'application/json');
      if (operator) xhr.setRequestHeader('x-operator', operator);
      if (session) xhr.setRequestHeader('authorization', `Bearer ${session.accessToken}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText, statusText: xhr.statusText });
      xhr.onerror = () => reject(new ApiError({ status: 0, title: 'offline' }));
      xhr.send(JSON.stringify(body));
    });
  let res = await once();
  if (res.status === 401 && session && (await refresh())) res = await once();
  let parsed: any = null;
  try {
    parsed = res.text ? JSON.parse(res.text) : null;
  } catch {
    parsed = null;
  }
  if (res.status < 200 || res.status >= 300)
    throw new ApiError({ ...(parsed ?? { title: res.statusText }), status: res.status });
  onProgress(1);
  return parsed as T;
}
