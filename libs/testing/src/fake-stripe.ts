// A local fake of the part of Stripe's public API the payment service uses, written from Stripe's
// published API description and its webhook signing rules, for contract tests and journeys (the real
// adapter and the official client library talk to it as to api.stripe.com):
//   POST /v1/customers, GET /v1/payment_methods/{id}, POST|GET /v1/setup_intents[/{id}],
//   POST|GET /v1/payment_intents[/{id}], POST /v1/refunds — form-encoded bodies, `Authorization: Bearer`,
//   `Stripe-Account` (objects belong to one connected account), `Idempotency-Key` (a repeat replays the
//   first answer with `Idempotent-Replayed: true`; other parameters → 400; one still running → 409);
//   card errors as 402 `{ error: { type: 'card_error', code, decline_code, payment_intent|setup_intent } }`.
// 3-D Secure by redirect: `next_action.redirect_to_url.url` is a page of this server where the card holder
// completes or fails the challenge, which then sends them to the `return_url` with `setup_intent` and
// `redirect_status`, as Stripe does. Events are POSTed to `webhookUrl` with `Stripe-Signature:
// t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
// Stripe's documented test payment methods: pm_card_visa, pm_card_mastercard (succeed),
// pm_card_chargeDeclined (declined when set up), pm_card_chargeDeclinedInsufficientFunds (set up; charges
// fail insufficient_funds), pm_card_chargeCustomerFail (set up; charges declined),
// pm_card_authenticationRequiredOnSetup (3-D Secure when set up, then off-session charges succeed),
// pm_card_authenticationRequired (3-D Secure when set up and off-session charges fail authentication_required).
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface TestCard {
  brand: string;
  last4: string;
  onSetup: 'ok' | 'declined' | '3ds';
  onCharge: 'ok' | 'insufficient_funds' | 'declined' | 'authentication_required';
}

const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { brand: 'visa', last4: '4242', onSetup: 'ok', onCharge: 'ok' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', onSetup: 'ok', onCharge: 'ok' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', onSetup: 'declined', onCharge: 'declined' },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    onSetup: 'ok',
    onCharge: 'insufficient_funds',
  },
  pm_card_chargeCustomerFail: { brand: 'visa', last4: '0341', onSetup: 'ok', onCharge: 'declined' },
  pm_card_authenticationRequiredOnSetup: { brand: 'visa', last4: '3155', onSetup: '3ds', onCharge: 'ok' },
  pm_card_authenticationRequired: {
    brand: 'visa',
    last4: '3184',
    onSetup: '3ds',
    onCharge: 'authentication_required',
  },
};

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: Json;
}
interface Stored {
  account: string | null;
  object: Json;
}

export interface FakeStripeOptions {
  /** The secret key clients must present (`Authorization: Bearer …`). */
  secretKey?: string;
  /** The webhook endpoint's signing secret. */
  webhookSecret?: string;
  /** Where events are POSTed (none: events are only kept in `events`). */
  webhookUrl?: string;
}

export interface FakeStripeRequest {
  method: string;
  path: string;
  account: string | null;
  idempotencyKey: string | null;
  params: Record<string, string>;
  replayed: boolean;
}

export class FakeStripe {
  readonly secretKey: string;
  readonly webhookSecret: string;
  webhookUrl: string | null;
  /** Every API request, in order. */
  readonly requests: FakeStripeRequest[] = [];
  /** Every event sent (or that would have been sent), in order. */
  readonly events: { event: Json; payload: string; delivered: number | null }[] = [];
  /** Charges are left `processing` (asynchronous settlement): `settle()` decides them later. */
  holdCharges = false;
  private delays: number[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly objects = new Map<string, Stored>();
  private readonly idempotency = new Map<string, { fingerprint: string; answer: Answer | null }>();
  private readonly refunded = new Map<string, number>();
  private server!: http.Server;
  url = '';

  private constructor(options: FakeStripeOptions) {
    this.secretKey = options.secretKey ?? 'sk_test_fake_0123456789abcdef';
    this.webhookSecret = options.webhookSecret ?? 'whsec_fake_0123456789abcdef';
    this.webhookUrl = options.webhookUrl ?? null;
  }

  /** Starts the fake on a port of its own (127.0.0.1, port 0). */
  static async start(options: FakeStripeOptions = {}): Promise<FakeStripe> {
    const fake = new FakeStripe(options);
    fake.server = http.createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: String(err) } }));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` API answers are held back this long after their request ran (a slow network). */
  delayNextResponse(ms: number, count = 1): void {
    this.delays.push(...Array.from({ length: count }, () => ms));
  }

  get(id: string): Json | undefined {
    return this.objects.get(id)?.object;
  }

  /** The payment intents created with this idempotency key in their metadata (money moved per key). */
  paymentIntentsFor(idempotencyKey: string): Json[] {
    return [...this.objects.values()]
      .map((s) => s.object)
      .filter(
        (o) =>
          o.object === 'payment_intent' &&
          (o.metadata as Record<string, string> | undefined)?.idempotency_key === idempotencyKey,
      );
  }

  /** The `Stripe-Signature` header Stripe would send for this payload. */
  sign(payload: string, timestamp = Math.floor(Date.now() / 1000), secret = this.webhookSecret): string {
    const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex');
    return `t=${timestamp},v1=${v1}`;
  }

  /** Decides a `processing` payment intent and sends its event. */
  async settle(paymentIntentId: string, outcome: 'succeeded' | 'failed'): Promise<Json> {
    const stored = this.objects.get(paymentIntentId);
    if (!stored || stored.object.status !== 'processing')
      throw new Error(`${paymentIntentId} is not processing`);
    const pi = stored.object;
    if (outcome === 'succeeded') {
      pi.status = 'succeeded';
      pi.latest_charge = this.id('ch');
    } else {
      pi.status = 'requires_payment_method';
      pi.last_payment_error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' };
    }
    return this.emit(
      outcome === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed',
      pi,
      stored.account,
    );
  }

  /** Builds, signs and (when a webhook URL is set) POSTs an event; returns it. */
  async emit(type: string, object: Json, account: string | null): Promise<Json> {
    const event: Json = {
      id: this.id('evt'),
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      type,
      ...(account ? { account } : {}),
      data: { object: structuredClone(object) },
    };
    // Pretty-printed, as Stripe sends it: a verifier must use the bytes, not a re-serialisation.
    const payload = JSON.stringify(event, null, 2);
    const sent = { event, payload, delivered: null as number | null };
    this.events.push(sent);
    // A refused or failed delivery is kept as such (Stripe would retry it; tests redeliver by hand).
    if (this.webhookUrl) sent.delivered = await this.deliver(payload).catch(() => 0);
    return event;
  }

  /** POSTs a payload to the webhook URL with a signature (another secret or payload: a forgery). */
  async deliver(payload: string, signature = this.sign(payload)): Promise<number> {
    if (!this.webhookUrl) throw new Error('no webhook URL');
    const res = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      body: payload,
    });
    await res.arrayBuffer();
    return res.status;
  }

  private id(prefix: string): string {
    return `${prefix}_${randomBytes(12).toString('hex')}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? url.search : raw));

    if (url.pathname.startsWith('/3ds/')) return this.challenge(req.method ?? 'GET', url, res);

    const account = (req.headers['stripe-account'] as string | undefined) ?? null;
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
    const record: FakeStripeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      account,
      idempotencyKey: key,
      params,
      replayed: false,
    };
    this.requests.push(record);

    let answer: Answer;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'request-id': this.id('req'),
    };
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      answer = error(401, { type: 'invalid_request_error', message: 'Invalid API Key provided' });
    } else if (req.method === 'POST' && key) {
      const scope = `${account ?? ''}\n${key}`;
      const fingerprint = `${url.pathname}\n${raw}`;
      const seen = this.idempotency.get(scope);
      if (seen && seen.fingerprint !== fingerprint) {
        answer = error(400, {
          type: 'idempotency_error',
          message:
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        });
      } else if (seen && !seen.answer) {
        answer = error(409, {
          type: 'idempotency_error',
          code: 'idempotency_key_in_use',
          message: 'There is currently another in-progress request using this Idempotent Key.',
        });
      } else if (seen?.answer) {
        answer = seen.answer;
        record.replayed = true;
        headers['idempotent-replayed'] = 'true';
      } else {
        const entry = { fingerprint, answer: null as Answer | null };
        this.idempotency.set(scope, entry);
        answer = await this.route(req.method, url.pathname, params, account);
        // Stripe keeps the answer of a request that ran (not of one refused before it ran: 401, 429).
        entry.answer = answer;
      }
    } else {
      answer = await this.route(req.method ?? 'GET', url.pathname, params, account);
    }
    const delay = this.delays.shift();
    if (delay)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, delay);
        this.timers.add(timer);
      });
    if (res.destroyed) return;
    res.writeHead(answer.status, headers);
    res.end(JSON.stringify(answer.body));
  }

  private find(id: string, account: string | null, object: string): Json | null {
    const stored = this.objects.get(id);
    return stored && stored.account === account && stored.object.object === object ? stored.object : null;
  }

  private put(object: Json, account: string | null): Json {
    this.objects.set(object.id as string, { account, object });
    return object;
  }

  private async route(
    method: string,
    path: string,
    p: Record<string, string>,
    account: string | null,
  ): Promise<Answer> {
    const [, version, resource, id] = path.split('/');
    if (version !== 'v1') return missing(path);
    if (method === 'POST' && resource === 'customers' && !id)
      return ok(this.put({ id: this.id('cus'), object: 'customer', metadata: metadataOf(p) }, account));
    if (method === 'GET' && resource === 'payment_methods' && id) {
      const card = TEST_CARDS[id];
      if (!card) return missing(id, 'payment_method');
      return ok(paymentMethod(id, card));
    }
    if (resource === 'setup_intents') {
      if (method === 'GET' && id) return found(this.find(id, account, 'setup_intent'), id);
      if (method === 'POST' && !id) return this.createSetupIntent(p, account);
    }
    if (resource === 'payment_intents') {
      if (method === 'GET' && id) return found(this.find(id, account, 'payment_intent'), id);
      if (method === 'POST' && !id) return this.createPaymentIntent(p, account);
    }
    if (method === 'POST' && resource === 'refunds' && !id) return this.createRefund(p, account);
    return missing(path);
  }

  private async createSetupIntent(p: Record<string, string>, account: string | null): Promise<Answer> {
    const card = TEST_CARDS[p.payment_method ?? ''];
    if (!card) return missing(p.payment_method ?? '', 'payment_method');
    const customer = p.customer ? this.find(p.customer, account, 'customer') : null;
    if (p.customer && !customer) return missing(p.customer, 'customer');
    const seti: Json = {
      id: this.id('seti'),
      object: 'setup_intent',
      customer: p.customer ?? null,
      payment_method: p.payment_method,
      usage: p.usage ?? 'off_session',
      status: 'requires_confirmation',
      next_action: null,
      last_setup_error: null,
      metadata: metadataOf(p),
    };
    this.put(seti, account);
    if (p.confirm !== 'true') return ok(seti);
    if (card.onSetup === 'declined') {
      seti.status = 'requires_payment_method';
      seti.last_setup_error = { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' };
      return error(402, {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
        setup_intent: seti,
      });
    }
    if (card.onSetup === '3ds') {
      seti.status = 'requires_action';
      (seti as Json & { return_url: string | null }).return_url = p.return_url ?? null;
      seti.next_action = {
        type: 'redirect_to_url',
        redirect_to_url: { url: `${this.url}/3ds/${seti.id}`, return_url: p.return_url ?? null },
      };
      return ok(seti);
    }
    seti.status = 'succeeded';
    void this.emit('setup_intent.succeeded', seti, account);
    return ok(seti);
  }

  /** The issuer's challenge page (GET) and its answer (POST /3ds/{id}/complete|fail). */
  private async challenge(method: string, url: URL, res: http.ServerResponse): Promise<void> {
    const [, , id, action] = url.pathname.split('/');
    const stored = this.objects.get(id ?? '');
    const seti = stored?.object;
    if (!seti || seti.object !== 'setup_intent') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown challenge');
      return;
    }
    if (method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html lang="en"><title>3-D Secure test page</title><main>
<h1>3-D Secure test page</h1><p>Card ending ${TEST_CARDS[seti.payment_method as string]?.last4 ?? ''}</p>
<form method="post" action="/3ds/${id}/complete"><button type="submit">Complete authentication</button></form>
<form method="post" action="/3ds/${id}/fail"><button type="submit">Fail authentication</button></form>
</main></html>`,
      );
      return;
    }
    const succeeded = action === 'complete';
    if (seti.status === 'requires_action') {
      seti.next_action = null;
      if (succeeded) {
        seti.status = 'succeeded';
        await this.emit('setup_intent.succeeded', seti, stored!.account);
      } else {
        seti.status = 'requires_payment_method';
        seti.last_setup_error = {
          type: 'card_error',
          code: 'setup_intent_authentication_failure',
          message: 'The card holder failed authentication.',
        };
        await this.emit('setup_intent.setup_failed', seti, stored!.account);
      }
    }
    const back = (seti as { return_url?: string | null }).return_url;
    if (!back) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`authentication ${seti.status}`);
      return;
    }
    const target = new URL(back);
    target.searchParams.set('setup_intent', id!);
    target.searchParams.set('redirect_status', seti.status === 'succeeded' ? 'succeeded' : 'failed');
    res.writeHead(303, { location: target.toString() }).end();
  }

  private async createPaymentIntent(p: Record<string, string>, account: string | null): Promise<Answer> {
    const amount = Number(p.amount);
    if (!Number.isInteger(amount) || amount < 1)
      return error(400, { type: 'invalid_request_error', param: 'amount', message: 'Invalid integer' });
    if (!p.currency)
      return error(400, { type: 'invalid_request_error', param: 'currency', message: 'Missing' });
    const card = TEST_CARDS[p.payment_method ?? ''];
    if (!card) return missing(p.payment_method ?? '', 'payment_method');
    if (p.customer && !this.find(p.customer, account, 'customer')) return missing(p.customer, 'customer');
    const pi: Json = {
      id: this.id('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency: p.currency,
      customer: p.customer ?? null,
      payment_method: p.payment_method,
      status: 'requires_confirmation',
      latest_charge: null,
      last_payment_error: null,
      metadata: metadataOf(p),
    };
    this.put(pi, account);
    if (p.confirm !== 'true') return ok(pi);
    // A card set up with 3-D Secure is charged off-session without the card holder, unless the
    // issuer insists on authenticating every charge.
    const setUp = [...this.objects.values()].some(
      (s) =>
        s.account === account &&
        s.object.object === 'setup_intent' &&
        s.object.customer === p.customer &&
        s.object.payment_method === p.payment_method &&
        s.object.status === 'succeeded',
    );
    const decline =
      card.onSetup === '3ds' && !setUp
        ? 'authentication_required'
        : card.onCharge === 'ok'
          ? null
          : card.onCharge;
    if (decline) {
      pi.status = decline === 'authentication_required' ? 'requires_action' : 'requires_payment_method';
      const err = {
        type: 'card_error',
        code: decline === 'authentication_required' ? 'authentication_required' : 'card_declined',
        decline_code:
          decline === 'authentication_required'
            ? 'authentication_required'
            : decline === 'insufficient_funds'
              ? 'insufficient_funds'
              : 'generic_decline',
        message: 'Your card was declined.',
      };
      pi.last_payment_error = err;
      void this.emit('payment_intent.payment_failed', pi, account);
      return error(402, { ...err, payment_intent: pi });
    }
    if (this.holdCharges) {
      pi.status = 'processing';
      return ok(pi);
    }
    pi.status = 'succeeded';
    pi.amount_received = amount;
    pi.latest_charge = this.id('ch');
    void this.emit('payment_intent.succeeded', pi, account);
    return ok(pi);
  }

  private async createRefund(p: Record<string, string>, account: string | null): Promise<Answer> {
    const pi = this.find(p.payment_intent ?? '', account, 'payment_intent');
    if (!pi) return missing(p.payment_intent ?? '', 'payment_intent');
    if (pi.status !== 'succeeded')
      return error(400, {
        type: 'invalid_request_error',
        code: 'charge_not_refundable',
        message: 'This PaymentIntent has no successful charge to refund.',
      });
    const already = this.refunded.get(pi.id as string) ?? 0;
    const amount = p.amount ? Number(p.amount) : (pi.amount as number) - already;
    if (!Number.isInteger(amount) || amount < 1 || already + amount > (pi.amount as number))
      return error(400, {
        type: 'invalid_request_error',
        code: 'amount_too_large',
        param: 'amount',
        message: 'Refund amount is greater than unrefunded amount on charge.',
      });
    this.refunded.set(pi.id as string, already + amount);
    const refund = this.put(
      {
        id: this.id('re'),
        object: 'refund',
        amount,
        currency: pi.currency,
        payment_intent: pi.id,
        charge: pi.latest_charge,
        status: 'succeeded',
        metadata: metadataOf(p),
      },
      account,
    );
    void this.emit('refund.created', refund, account);
    return ok(refund);
  }
}

function paymentMethod(id: string, card: TestCard): Json {
  return {
    id,
    object: 'payment_method',
    type: 'card',
    card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: new Date().getUTCFullYear() + 3 },
  };
}

function metadataOf(p: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) {
    const m = /^metadata\[(.+)\]$/.exec(k);
    if (m) metadata[m[1]!] = v;
  }
  return metadata;
}

const ok = (body: Json): Answer => ({ status: 200, body });
const error = (status: number, err: Json): Answer => ({ status, body: { error: err } });
const found = (object: Json | null, id: string): Answer => (object ? ok(object) : missing(id));
const missing = (id: string, param?: string): Answer =>
  error(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    ...(param ? { param } : {}),
    message: `No such object: '${id}'`,
  });
