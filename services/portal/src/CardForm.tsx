// «Legg inn betalingskort»: a token from the PSP (here the test cards of the sandbox PSP and of Stripe's
// test mode), saved as a payment method; when the issuer asks for 3-D Secure, either the one-time code
// from the bank confirms it (`otp`), or the card holder goes to the bank's page and comes back to this
// page (`redirect`: the return URL is the page itself, the purchase keeps its draft meanwhile). A
// declined card is said beside the card field.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, call, callWithStatus, newIdempotencyKey } from './api.js';
import { useI18n, type MessageKey } from './i18n.js';
import type { PaymentMethod } from './types.js';
import { Field, Message, useErrorText } from './ui.js';

const TEST_CARDS: [string, MessageKey][] = [
  ['tok_visa', 'cardVisa'],
  ['tok_mastercard', 'cardMastercard'],
  ['tok_3ds', 'card3ds'],
  ['tok_declined', 'cardDeclined'],
  ['tok_insufficient_funds', 'cardInsufficient'],
];
/** Stripe's test-mode payment methods (for an operator whose card processor is Stripe). */
const STRIPE_TEST_CARDS: [string, MessageKey][] = [
  ['pm_card_visa', 'cardVisa'],
  ['pm_card_authenticationRequiredOnSetup', 'card3dsRedirect'],
  ['pm_card_chargeDeclined', 'cardDeclined'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'cardInsufficient'],
];

/** The card waiting for its holder to come back from the bank's 3-D Secure page. */
const CHALLENGE_KEY = 'portal.cardChallenge';
/** What the PSP adds to the return URL. */
const RETURN_PARAMS = ['setup_intent', 'setup_intent_client_secret', 'redirect_status'];

/** This page's address without what the PSP adds to it: where the bank's page sends the card holder back. */
export function returnUrlOf(href: string): string {
  const url = new URL(href);
  for (const p of RETURN_PARAMS) url.searchParams.delete(p);
  return url.toString();
}

export function CardForm({
  onSaved,
  onLeaving,
}: {
  onSaved: (card: PaymentMethod) => void;
  /** Called before the page leaves for the bank's 3-D Secure page (to keep what was typed). */
  onLeaving?: () => void;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const id = useId();
  const [token, setToken] = useState('tok_visa');
  const [pending, setPending] = useState<PaymentMethod | null>(null);
  const [code, setCode] = useState('');
  const [cardError, setCardError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const returned = useRef(false);

  // Back from the bank's page: the platform asks the PSP whether the challenge was completed.
  useEffect(() => {
    const waiting = sessionStorage.getItem(CHALLENGE_KEY);
    const params = new URLSearchParams(location.search);
    if (!waiting || !params.has('redirect_status') || returned.current) return;
    returned.current = true;
    sessionStorage.removeItem(CHALLENGE_KEY);
    history.replaceState(history.state, '', returnUrlOf(location.href));
    setBusy(true);
    call<PaymentMethod>('POST', `/v1/payment-methods/${encodeURIComponent(waiting)}/confirm`, { body: {} })
      .then((card) => onSaved(card))
      .catch((err) =>
        setCardError(
          err instanceof ApiError && err.status === 422 ? t('threeDsNotCompleted') : errorText(err),
        ),
      )
      .finally(() => setBusy(false));
  }, []); // once, on the return

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setCardError(null);
    try {
      const res = await callWithStatus<PaymentMethod>('POST', '/v1/payment-methods', {
        body: { token, returnUrl: returnUrlOf(location.href) },
        idempotencyKey: newIdempotencyKey(),
      });
      const challenge = res.body.challenge;
      if (res.body.status === 'requires_action' && challenge?.kind === 'redirect' && challenge.redirectUrl) {
        sessionStorage.setItem(CHALLENGE_KEY, res.body.id);
        onLeaving?.();
        location.assign(challenge.redirectUrl);
        return;
      }
      if (res.body.status === 'requires_action') setPending(res.body);
      else onSaved(res.body);
    } catch (err) {
      setCardError(err instanceof ApiError && err.status === 402 ? t('cardDeclinedError') : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!pending) return;
    setBusy(true);
    setCodeError(null);
    try {
      const card = await call<PaymentMethod>('POST', `/v1/payment-methods/${pending.id}/confirm`, {
        body: { code: code.trim() },
      });
      setPending(null);
      onSaved(card);
    } catch (err) {
      setCodeError(err instanceof ApiError && err.status === 422 ? t('threeDsWrong') : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (pending) {
    return (
      <form onSubmit={confirm} noValidate className="card-form">
        <h3>{t('threeDsTitle')}</h3>
        <p>
          {pending.brand} •••• {pending.last4}
        </p>
        <Field
          label={t('otp')}
          hint={t('threeDsHint')}
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          value={code}
          onChange={setCode}
          error={codeError}
          autoFocus
        />
        <button type="submit" disabled={busy}>
          {t('confirm')}
        </button>
      </form>
    );
  }

  return (
    <form onSubmit={save} noValidate className="card-form">
      <div className={`field${cardError ? ' field--error' : ''}`}>
        <label htmlFor={id}>{t('card')}</label>
        <p className="hint" id={`${id}-hint`}>
          {t('sandboxCardHint')}
        </p>
        <select
          id={id}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={cardError ? true : undefined}
          aria-describedby={`${id}-hint${cardError ? ` ${id}-error` : ''}`}
        >
          <optgroup label={t('sandboxCards')}>
            {TEST_CARDS.map(([value, key]) => (
              <option key={value} value={value}>
                {t(key)}
              </option>
            ))}
          </optgroup>
          <optgroup label={t('stripeTestCards')}>
            {STRIPE_TEST_CARDS.map(([value, key]) => (
              <option key={value} value={value}>
                {t(key)} (Stripe)
              </option>
            ))}
          </optgroup>
        </select>
        {cardError && (
          <p className="error" id={`${id}-error`} role="alert">
            {cardError}
          </p>
        )}
      </div>
      <button type="submit" disabled={busy}>
        {t('saveCard')}
      </button>
    </form>
  );
}

export function CardLabel({ card }: { card: PaymentMethod }) {
  const { t } = useI18n();
  return (
    <>
      {card.brand} •••• {card.last4}, {t('expires')} {String(card.expMonth).padStart(2, '0')}/{card.expYear}
      {card.status === 'requires_action' && ` (${t('needsAction')})`}
    </>
  );
}

export function Saved({ text }: { text: string | null }) {
  return <Message kind="success">{text}</Message>;
}
