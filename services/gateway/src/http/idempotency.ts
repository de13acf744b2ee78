// Idempotency-Key (API.md "Conventions"): on the routes that promise it, the first answer that is not a
// server fault or a refusal to correct — 201, 202 or 402 — is kept for 24 hours per user, operator and
// route, and a repeat with the same key and body gets it again; another body → 422
// `idempotency-key-reused`; a repeat while the first is in flight → 409. Any other refusal (400, 409,
// 422, ...) or a 5xx leaves no trace, so the key may be used again for a corrected request.
//
// The records live in a JetStream stream used as a key-value store (one subject per key, one message per
// subject, max_age 24 h). Every change is conditional on the subject's last sequence, so of two requests
// racing for a new key, or for taking over an expired or abandoned one, exactly one wins.
import { createHash } from 'node:crypto';
import {
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { AppError, isAppError, type RequestContext } from '@parking/contracts';
import { toProblem } from '@parking/platform';

export const IDEMPOTENCY_STREAM = 'IDEMPOTENCY';
const SUBJECT_ROOT = 'idempotency';
export const KEEP_MS = 24 * 3_600_000;
/** An in-flight record older than this was left by a gateway that died mid-request: it may be taken over. */
export const ABANDONED_AFTER_MS = 2 * 60_000;

/** What is kept and replayed: the status and body first answered. */
export interface KeptAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Sent {
  state: 'in_flight' | 'done' | 'released';
  requestHash: string;
  at: number;
  answer?: KeptAnswer;
}

/** Keys sorted, so that the same JSON body sent with its fields in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export class IdempotencyStore {
  private js: JetStreamClient;
  private ready: Promise<void> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: { replicas?: number; now?: () => number } = {},
  ) {
    this.js = jetstream(nc);
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  private ensureStream(): Promise<void> {
    this.ready ??= (async () => {
      const jsm = await jetstreamManager(this.nc);
      const config = {
        name: IDEMPOTENCY_STREAM,
        subjects: [`${SUBJECT_ROOT}.>`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        max_msgs_per_subject: 1,
        max_age: nanos(KEEP_MS + ABANDONED_AFTER_MS),
        num_replicas: this.options.replicas ?? 1,
      };
      try {
        await jsm.streams.info(IDEMPOTENCY_STREAM);
      } catch (err) {
        if (!/not found/i.test(String((err as Error).message))) throw err;
        await jsm.streams.add(config).catch((addErr: Error) => {
          if (!/already in use|exists/i.test(addErr.message)) throw addErr;
        });
      }
    })().catch((err) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async read(subject: string): Promise<{ seq: number; value: Sent } | null> {
    const jsm = await jetstreamManager(this.nc);
    try {
      const msg = await jsm.streams.getMessage(IDEMPOTENCY_STREAM, { last_by_subj: subject });
      if (!msg) return null;
      return { seq: msg.seq, value: msg.json<Sent>() };
    } catch (err) {
      if (/no message found|not found/i.test(String((err as Error).message))) return null;
      throw err;
    }
  }

  /** Writes only if the subject's last message is still `lastSeq` (0: none); false when another won. */
  private async write(subject: string, value: Sent, lastSeq: number): Promise<number | null> {
    try {
      const ack = await this.js.publish(subject, JSON.stringify(value), {
        expect: { lastSubjectSequence: lastSeq },
      });
      return ack.seq;
    } catch (err) {
      if (/wrong last sequence/i.test(String((err as Error).message))) return null;
      throw err;
    }
  }

  /**
   * Runs `first` once per (operator, user, route, key) and body; repeats get its kept answer. Without a
   * key, simply runs it.
   */
  async run(
    scope: { operatorId: string; userId: string; route: string },
    key: string | undefined,
    body: unknown,
    first: () => Promise<KeptAnswer>,
  ): Promise<KeptAnswer> {
    if (!key) return first();
    await this.ensureStream();
    const subject = `${SUBJECT_ROOT}.${scope.operatorId}.${sha(`${scope.userId}\n${scope.route}\n${key}`)}`;
    const requestHash = sha(canonical(body));
    let seq: number | null = null;
    while (seq === null) {
      const kept = await this.read(subject);
      const now = this.now();
      const live =
        kept &&
        kept.value.state !== 'released' &&
        now - kept.value.at < (kept.value.state === 'in_flight' ? ABANDONED_AFTER_MS : KEEP_MS);
      if (kept && live) {
        if (kept.value.requestHash !== requestHash)
          throw new AppError('RULE_VIOLATED', 'This Idempotency-Key was used with another request body', {
            type: 'idempotency-key-reused',
            fields: [{ path: 'Idempotency-Key', message: 'already used with another body' }],
          });
        if (kept.value.state === 'done' && kept.value.answer) return kept.value.answer;
        throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still in progress', {
          fields: [{ path: 'Idempotency-Key', message: 'in progress' }],
        });
      }
      // New, expired, released or abandoned: take it, if no other request did in the meantime.
      seq = await this.write(subject, { state: 'in_flight', requestHash, at: now }, kept?.seq ?? 0);
    }
    let answer: KeptAnswer;
    try {
      answer = await first();
    } catch (err) {
      if (isAppError(err) && err.code === 'PAYMENT_DECLINED') {
        // A declined payment is an answer: a retry with this key gets the same 402, not a new charge.
        const problem = toProblem(err);
        answer = { status: problem.status, body: problem.body, headers: problem.headers };
        await this.write(subject, { state: 'done', requestHash, at: this.now(), answer }, seq);
        throw err;
      }
      await this.write(subject, { state: 'released', requestHash, at: this.now() }, seq).catch(() => null);
      throw err;
    }
    await this.write(subject, { state: 'done', requestHash, at: this.now(), answer }, seq);
    return answer;
  }
}

/** Sends a kept answer: a kept 402 goes out as the problem+json it was. */
export function replyWith(
  reply: { status(code: number): { headers(h: Record<string, string>): { send(b: unknown): unknown } } },
  answer: KeptAnswer,
) {
  return reply
    .status(answer.status)
    .headers(answer.headers ?? {})
    .send(answer.body);
}

/** Kept answers are per user: the routes that honour a key are customers' own. */
export function userIdOf(ctx: RequestContext): string {
  if (ctx.caller.kind !== 'user') throw new AppError('FORBIDDEN', 'Only people use this route');
  return ctx.caller.userId;
}
