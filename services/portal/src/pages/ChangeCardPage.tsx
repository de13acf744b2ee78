// «Bytt kort»: the card an auto-renewing agreement renews with. Reached from the agreement, and from the
// failed-renewal text's link (#/agreements/<id>/card). Choose a stored card or add one (3-D Secure
// included); a past-due renewal is retried with the new card at once (API.md).
import { useId, useState } from 'react';
import { ApiError, get, put } from '../api.js';
import { CardForm, CardLabel } from '../CardForm.js';
import { useI18n } from '../i18n.js';
import { canChangeCard } from '../logic/agreements.js';
import type { Agreement, List, PaymentMethod } from '../types.js';
import { Loaded, Message, PageTitle, useErrorText, useLoad } from '../ui.js';
import { AgreementSummary } from './HomePage.js';

export function ChangeCardPage({ id }: { id: string }) {
  const data = useLoad(async () => {
    const [agreement, cards] = await Promise.all([
      get<Agreement>(`/v1/agreements/${encodeURIComponent(id)}`),
      get<List<PaymentMethod>>('/v1/payment-methods'),
    ]);
    return { agreement, cards: cards.items };
  }, [id]);
  return <Loaded state={data}>{(d) => <ChangeCard {...d} reload={data.reload} />}</Loaded>;
}

function ChangeCard({
  agreement: loaded,
  cards,
  reload,
}: {
  agreement: Agreement;
  cards: PaymentMethod[];
  reload: () => void;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const groupId = useId();
  const [agreement, setAgreement] = useState(loaded);
  const usable = cards.filter((c) => c.status === 'active');
  const [chosen, setChosen] = useState(
    usable.find((c) => c.id !== agreement.paymentMethodId)?.id ?? agreement.paymentMethodId,
  );
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const wasPastDue = loaded.status === 'past_due';

  async function use(cardId: string, card?: PaymentMethod) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const changed = await put<Agreement>(`/v1/agreements/${agreement.id}/payment-method`, {
        paymentMethodId: cardId,
      });
      // The answer may be read before the change is projected: the card is the one just chosen.
      setAgreement({ ...changed, paymentMethodId: cardId });
      const label = card ?? cards.find((c) => c.id === cardId);
      setDone(
        wasPastDue
          ? t('cardChangedRetry')
          : t('cardChanged', { card: label ? `${label.brand} •••• ${label.last4}` : '' }),
      );
    } catch (err) {
      setError(err instanceof ApiError && err.status === 402 ? t('cardDeclinedError') : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>{t('changeCardTitle', { product: agreement.product.name })}</PageTitle>
      <AgreementSummary a={agreement} />
      <p>{t('changeCardExplain')}</p>
      {wasPastDue && <Message kind="info">{t('pastDueExplain')}</Message>}
      <Message kind="success">{done}</Message>
      <Message kind="error">{error}</Message>
      {canChangeCard(agreement) || done ? (
        <>
          {usable.length ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void use(chosen);
              }}
            >
              <fieldset className="field">
                <legend id={groupId}>{t('chooseCard')}</legend>
                {usable.map((c) => (
                  <label key={c.id} className="radio">
                    <input
                      type="radio"
                      name="card"
                      value={c.id}
                      checked={chosen === c.id}
                      onChange={() => setChosen(c.id)}
                    />{' '}
                    <CardLabel card={c} />
                    {c.id === agreement.paymentMethodId && ` (${t('currentCard')})`}
                  </label>
                ))}
              </fieldset>
              <button type="submit" disabled={busy || chosen === agreement.paymentMethodId}>
                {t('useCard')}
              </button>
            </form>
          ) : (
            <p>{t('noActiveCards')}</p>
          )}
          <h2>{t('orAddCard')}</h2>
          <CardForm
            onSaved={(card) => {
              void use(card.id, card).then(reload);
            }}
          />
        </>
      ) : null}
      <p>
        <a href={`#/agreements/${agreement.id}`}>{t('agreement')}</a> · <a href="#/cards">{t('cards')}</a>
      </p>
    </>
  );
}
