// «Legg inn betalingskort»: a token from the PSP (here the sandbox PSP's test cards), saved as a payment
// method; when the issuer asks for 3-D Secure, the one-time code from the bank confirms it. A declined
// card is said beside the card field.
import { useId, useState, type FormEvent } from 'react';
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

export function CardForm({ onSaved }: { onSaved: (card: PaymentMethod) => void }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const id = useId();
  const [token, setToken] = useState('tok_visa');
  const [pending, setPending] = useState<PaymentMethod | null>(null);
  const [code, setCode] = useState('');
  const [cardError, setCardError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setCardError(null);
    try {
      const res = await callWithStatus<PaymentMethod>('POST', '/v1/payment-methods', {
        body: { token },
        idempotencyKey: newIdempotencyKey(),
      });
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
          {TEST_CARDS.map(([value, key]) => (
            <option key={value} value={value}>
              {t(key)}
            </option>
          ))}
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
