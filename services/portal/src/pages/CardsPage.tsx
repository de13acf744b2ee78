// «Betalingskort»: the stored cards, add one (3-D Secure included), remove one not in use.
import { useState } from 'react';
import { ApiError, del, get } from '../api.js';
import { CardForm, CardLabel, Saved } from '../CardForm.js';
import { useI18n } from '../i18n.js';
import type { List, PaymentMethod } from '../types.js';
import { Loaded, Message, PageTitle, useErrorText, useLoad } from '../ui.js';

export function CardsPage() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const cards = useLoad(() => get<List<PaymentMethod>>('/v1/payment-methods'), []);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function remove(id: string) {
    setError(null);
    try {
      await del(`/v1/payment-methods/${id}`);
      cards.reload();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 409 ? t('cardInUse') : errorText(err));
    }
  }
  return (
    <>
      <PageTitle>{t('cards')}</PageTitle>
      <h2>{t('yourCards')}</h2>
      <Loaded state={cards}>
        {(list) =>
          list.items.length ? (
            <ul className="plain cards">
              {list.items.map((c) => (
                <li key={c.id}>
                  <CardLabel card={c} />{' '}
                  <button type="button" className="button--secondary small" onClick={() => remove(c.id)}>
                    {t('removeCard')}
                    <span className="visually-hidden"> •••• {c.last4}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('noCards')}</p>
          )
        }
      </Loaded>
      <Message kind="error">{error}</Message>
      <h2>{t('addCard')}</h2>
      <CardForm
        onSaved={() => {
          setSaved(t('cardSaved'));
          cards.reload();
        }}
      />
      <Saved text={saved} />
    </>
  );
}
