// The Stripe adapter behind the PSP port, through Stripe's official client library.
// - Cards: the portal's Stripe.js turns the card into a PaymentMethod (`pm_…`) — the token this port
//   receives; the platform never sees a card number. A card is stored as a Customer with the
//   PaymentMethod set up for off-session use (a SetupIntent), which asks the issuer for 3-D Secure when
//   it wants it: a redirect to the issuer's challenge, back to the portal's return URL.
// - Operators: `psp.account` is the operator's connected Stripe account (`acct_…`, sent as
//   `Stripe-Account`), or `self` for the platform's own account. The account is kept inside the references
//   (`stripe:<account>:<customer>:<payment method>`, `stripe:<account>:<payment intent>`), so a charge,
//   refund or confirmation goes to the account the card was stored in whatever the caller passes.
// - Charges are off-session PaymentIntents under our idempotency key (Stripe answers a repeat with the
//   first result) and carry it in their metadata, so the signed webhook can name the charge it settles.
//   When Stripe does not answer in time, the outcome is `pending`: the webhook tells it later, and asking
//   again with the same key cannot charge twice.
import { randomUUID } from 'node:crypto';
import { AppError, type Money } from '@parking/contracts';
import Stripe from 'stripe';
import type { CardAdded, ChargeResult, PspPort } from './psp.port.js';
import type { StripeSettings } from './stripe-settings.js';
import { cardRef, chargeRef, parseCardRef, parseChargeRef, STRIPE_ACCOUNT } from './stripe-refs.js';
import { verifyStripeSignature, type SignatureVerdict } from './stripe-signature.js';

/** A verified Stripe event (the fields the platform reads). */
export interface StripeEvent {
  id: string;
  type: string;
  account?: string;
  data: { object: Record<string, unknown> };
}

export class StripePsp implements PspPort {
  private readonly client: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const api = new URL(settings.apiUrl);
    this.client = new Stripe(settings.secretKey, {
      host: api.hostname,
      port: api.port ? Number(api.port) : api.protocol === 'http:' ? 80 : 443,
      protocol: api.protocol === 'http:' ? 'http' : 'https',
      timeout: settings.timeoutMs,
      // The library retries a request that got no answer with the same Idempotency-Key.
      maxNetworkRetries: 1,
      telemetry: false,
      appInfo: { name: 'parking-payment-renewal' },
    });
  }

  private options(account: string, idempotencyKey?: string): Stripe.RequestOptions {
    return {
      ...(account === 'self' ? {} : { stripeAccount: account }),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    };
  }

  async addCard({
    token,
    operatorAccount,
    returnUrl,
  }: {
    token: string;
    operatorAccount: string;
    returnUrl?: string;
  }): Promise<CardAdded> {
    if (!STRIPE_ACCOUNT.test(operatorAccount))
      throw new AppError('UNAVAILABLE', "The operator's Stripe account is not configured (psp.account)");
    const declined = (brand = 'unknown', last4 = '0000'): CardAdded => ({
      status: 'declined',
      pspRef: '',
      brand,
      last4,
      expMonth: 12,
      expYear: new Date().getUTCFullYear(),
    });
    const opts = (key?: string) => this.options(operatorAccount, key);
    try {
      const method = await this.client.paymentMethods.retrieve(token, {}, opts());
      const card = method.card;
      if (!card) return declined();
      // Fresh keys per step: a retry of this request by the library is then answered once by Stripe.
      const customer = await this.client.customers.create({}, opts(`customer:${randomUUID()}`));
      const setup = await this.client.setupIntents.create(
        {
          customer: customer.id,
          payment_method: method.id,
          usage: 'off_session',
          confirm: true,
          ...(returnUrl ? { return_url: returnUrl } : {}),
        },
        opts(`setup:${randomUUID()}`),
      );
      const base = {
        pspRef: cardRef({ account: operatorAccount, customer: customer.id, paymentMethod: method.id }),
        brand: card.brand,
        last4: card.last4,
        expMonth: card.exp_month,
        expYear: card.exp_year,
      };
      if (setup.status === 'succeeded') return { status: 'active', ...base };
      const redirect = setup.next_action?.redirect_to_url?.url;
      if (setup.status === 'requires_action' && redirect)
        return {
          status: 'requires_action',
          ...base,
          challenge: { challengeId: setup.id, kind: 'redirect', redirectUrl: redirect },
        };
      return { ...declined(card.brand, card.last4) };
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) return declined();
      if (err instanceof Stripe.errors.StripeInvalidRequestError && err.code === 'resource_missing')
        return declined();
      throw unavailable(err);
    }
  }

  /** The card holder came back from the redirect: the card is active once Stripe says the setup succeeded. */
  async confirmCard({ pspRef, challengeId }: { pspRef: string; challengeId: string; code: string }) {
    const ref = parseCardRef(pspRef);
    if (!ref || !challengeId.startsWith('seti_')) return 'wrong_code' as const;
    try {
      const setup = await this.client.setupIntents.retrieve(challengeId, {}, this.options(ref.account));
      const method =
        typeof setup.payment_method === 'string' ? setup.payment_method : setup.payment_method?.id;
      const customer = typeof setup.customer === 'string' ? setup.customer : setup.customer?.id;
      const ours = method === ref.paymentMethod && customer === ref.customer;
      return ours && setup.status === 'succeeded' ? ('active' as const) : ('wrong_code' as const);
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError) return 'wrong_code' as const;
      throw unavailable(err);
    }
  }

  async charge({
    pspRef,
    amount,
    idempotencyKey,
  }: {
    pspRef: string;
    amount: Money;
    idempotencyKey: string;
    operatorAccount: string;
  }): Promise<ChargeResult> {
    const ref = parseCardRef(pspRef);
    if (!ref) return { status: 'failed', reason: 'declined', pspChargeId: '' };
    try {
      const intent = await this.client.paymentIntents.create(
        {
          amount: amount.amount,
          currency: amount.currency.toLowerCase(),
          customer: ref.customer,
          payment_method: ref.paymentMethod,
          off_session: true,
          confirm: true,
          metadata: { idempotency_key: idempotencyKey },
        },
        this.options(ref.account, idempotencyKey),
      );
      const pspChargeId = chargeRef(ref.account, intent.id);
      if (intent.status === 'succeeded') return { status: 'succeeded', pspChargeId };
      if (intent.status === 'processing') return { status: 'pending', pspChargeId };
      if (intent.status === 'requires_action')
        return { status: 'failed', reason: 'authentication_required', pspChargeId };
      return { status: 'failed', reason: 'processing_error', pspChargeId };
    } catch (err) {
      if (err instanceof Stripe.errors.StripeCardError) {
        const intent = (err.raw as { payment_intent?: { id?: string } }).payment_intent;
        return {
          status: 'failed',
          reason: declineReason(err.code, err.decline_code),
          pspChargeId: intent?.id ? chargeRef(ref.account, intent.id) : '',
        };
      }
      // No answer, Stripe's own failure, or the first request under this key still running: the
      // outcome is unknown. Stripe's webhook settles it; asking again with the same key is safe.
      if (outcomeUnknown(err)) return { status: 'pending', pspChargeId: '' };
      throw unavailable(err);
    }
  }

  async refund({
    pspChargeId,
    amount,
    idempotencyKey,
  }: {
    pspChargeId: string;
    amount: Money;
    idempotencyKey: string;
  }): Promise<{ status: 'succeeded' | 'failed'; pspRefundId: string }> {
    const ref = parseChargeRef(pspChargeId);
    if (!ref) return { status: 'failed', pspRefundId: '' };
    try {
      const refund = await this.client.refunds.create(
        {
          payment_intent: ref.paymentIntent,
          amount: amount.amount,
          metadata: { idempotency_key: idempotencyKey },
        },
        this.options(ref.account, idempotencyKey),
      );
      // `pending`: accepted, the card network completes it (a card refund is not declined later).
      const accepted = refund.status === 'succeeded' || refund.status === 'pending';
      return { status: accepted ? 'succeeded' : 'failed', pspRefundId: refund.id };
    } catch (err) {
      if (err instanceof Stripe.errors.StripeInvalidRequestError)
        return { status: 'failed', pspRefundId: '' };
      throw unavailable(err);
    }
  }

  /** Verifies a webhook over its raw body; the event, or why it is refused. */
  verifyWebhook(
    payload: string,
    header: string,
    nowS = Math.floor(Date.now() / 1000),
  ): { event: StripeEvent } | { refused: Exclude<SignatureVerdict, 'valid'> } {
    const verdict = verifyStripeSignature({
      payload,
      header,
      secret: this.settings.webhookSecret,
      nowS,
      toleranceS: this.settings.webhookToleranceS,
    });
    if (verdict !== 'valid') return { refused: verdict };
    return { event: JSON.parse(payload) as StripeEvent };
  }
}

export function declineReason(
  code: string | undefined,
  declineCode: string | undefined,
): NonNullable<ChargeResult['reason']> {
  if (code === 'authentication_required' || declineCode === 'authentication_required')
    return 'authentication_required';
  if (declineCode === 'insufficient_funds') return 'insufficient_funds';
  if (code === 'processing_error') return 'processing_error';
  return 'declined';
}

function outcomeUnknown(err: unknown): boolean {
  return (
    err instanceof Stripe.errors.StripeConnectionError ||
    err instanceof Stripe.errors.StripeAPIError ||
    (err instanceof Stripe.errors.StripeIdempotencyError && err.statusCode === 409) ||
    (err instanceof Stripe.errors.StripeError && (err.statusCode ?? 0) >= 500)
  );
}

/** A failure to reach Stripe, said without the request (which may carry references) or any secret. */
function unavailable(err: unknown): AppError {
  const type = err instanceof Stripe.errors.StripeError ? err.type : 'unknown';
  const status = err instanceof Stripe.errors.StripeError ? err.statusCode : undefined;
  return new AppError(
    'UNAVAILABLE',
    `The card processor did not answer (${type}${status ? ` ${status}` : ''})`,
  );
}
