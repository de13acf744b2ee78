// One agreement: change its vehicles, cancel it (stop renewing), withdraw within 14 days, its history.
import { useState } from 'react';
import { ApiError, get, post, put } from '../api.js';
import { useI18n } from '../i18n.js';
import { canCancel, canChangeCard, canChangeVehicles, canWithdraw } from '../logic/agreements.js';
import { placeProblem, purchaseFieldOf } from '../logic/problems.js';
import { PlatesEditor } from '../PlatesEditor.js';
import type { Agreement, HistoryEntry, List, Product, Vehicle } from '../types.js';
import { Loaded, Message, PageTitle, formatDate, useErrorText, useLoad } from '../ui.js';
import { AgreementSummary } from './HomePage.js';

export function AgreementPage({ id }: { id: string }) {
  const data = useLoad(async () => {
    const [agreement, history] = await Promise.all([
      get<Agreement>(`/v1/agreements/${id}`),
      get<List<HistoryEntry>>(`/v1/agreements/${id}/history`),
    ]);
    const product = await get<Product>(`/v1/products/${agreement.product.id}`).catch(() => null);
    return { agreement, history, product };
  }, [id]);
  return <Loaded state={data}>{(d) => <AgreementView {...d} reload={data.reload} />}</Loaded>;
}

function AgreementView({
  agreement: loaded,
  history,
  product,
  reload,
}: {
  agreement: Agreement;
  history: List<HistoryEntry>;
  product: Product | null;
  reload: () => void;
}) {
  const { t, lang } = useI18n();
  const errorText = useErrorText();
  // The answers to changes are the agreement as it is now; a read right after may not show them yet.
  const [changed, setChanged] = useState<Agreement | null>(null);
  const a = changed && changed.id === loaded.id ? changed : loaded;
  const [plates, setPlates] = useState<Vehicle[]>(a.vehicles);
  const [typed, setTyped] = useState('');
  const [platesError, setPlatesError] = useState<string | null>(null);
  const [asking, setAsking] = useState<'cancel' | 'withdraw' | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const max = product?.maxVehicles ?? Math.max(3, a.vehicles.length);

  async function saveVehicles() {
    setPlatesError(null);
    setDone(null);
    if (typed) return setPlatesError(t('plateUnconfirmed'));
    if (!plates.length) return setPlatesError(t('plates_required'));
    setBusy(true);
    try {
      setChanged(
        await put<Agreement>(`/v1/agreements/${a.id}/vehicles`, {
          vehicles: plates,
        }),
      );
      setDone(t('vehiclesSaved'));
      reload();
    } catch (err) {
      const placed = err instanceof ApiError ? placeProblem(err.problem, purchaseFieldOf) : null;
      setPlatesError(placed?.fields.vehicles ?? placed?.general ?? errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function act(what: 'cancel' | 'withdraw') {
    setBusy(true);
    setError(null);
    try {
      setChanged(await post<Agreement>(`/v1/agreements/${a.id}/${what}`));
      setAsking(null);
      reload();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 409 && what === 'withdraw'
          ? t('withdrawTooLate')
          : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  }

  const now = new Date();
  return (
    <>
      <PageTitle>{a.product.name}</PageTitle>
      <AgreementSummary a={a} />
      {canChangeCard(a) && (
        <section aria-labelledby="change-card">
          <h2 id="change-card">{t('changeCard')}</h2>
          {a.status === 'past_due' && <Message kind="error">{t('pastDueExplain')}</Message>}
          <p>
            <a className="button button--secondary" href={`#/agreements/${a.id}/card`}>
              {t('changeCard')}
            </a>
          </p>
        </section>
      )}
      {canChangeVehicles(a) && (
        <section aria-labelledby="change-vehicles">
          <h2 id="change-vehicles">{t('changeVehicles')}</h2>
          <PlatesEditor
            vehicles={plates}
            onVehicles={setPlates}
            typed={typed}
            onTyped={setTyped}
            max={max}
            error={platesError}
          />
          <button type="button" onClick={saveVehicles} disabled={busy}>
            {t('saveVehicles')}
          </button>
          <Message kind="success">{done}</Message>
        </section>
      )}
      {(canCancel(a) || canWithdraw(a, now)) && (
        <section aria-labelledby="end-agreement" className="danger-zone">
          <h2 id="end-agreement" className="visually-hidden">
            {t('cancelAgreement')}
          </h2>
          {canCancel(a) &&
            (asking === 'cancel' ? (
              <div className="confirm-box">
                <p>{t('cancelExplain')}</p>
                <button
                  type="button"
                  className="button--danger"
                  onClick={() => act('cancel')}
                  disabled={busy}
                >
                  {t('confirmCancel')}
                </button>{' '}
                <button type="button" className="button--secondary" onClick={() => setAsking(null)}>
                  {t('cancelAction')}
                </button>
              </div>
            ) : (
              <button type="button" className="button--secondary" onClick={() => setAsking('cancel')}>
                {t('cancelAgreement')}
              </button>
            ))}{' '}
          {canWithdraw(a, now) &&
            (asking === 'withdraw' ? (
              <div className="confirm-box">
                <p>{t('withdrawExplain')}</p>
                <button
                  type="button"
                  className="button--danger"
                  onClick={() => act('withdraw')}
                  disabled={busy}
                >
                  {t('confirmWithdraw')}
                </button>{' '}
                <button type="button" className="button--secondary" onClick={() => setAsking(null)}>
                  {t('cancelAction')}
                </button>
              </div>
            ) : (
              <button type="button" className="button--secondary" onClick={() => setAsking('withdraw')}>
                {t('withdraw')}
              </button>
            ))}
          <Message kind="error">{error}</Message>
        </section>
      )}
      <section aria-labelledby="history">
        <h2 id="history">{t('history')}</h2>
        <ol className="history">
          {history.items.map((h, i) => (
            <li key={i}>
              <time dateTime={h.at}>{formatDate(h.at, lang)}</time> {h.summary}
            </li>
          ))}
        </ol>
      </section>
      <p>
        <a href="#/receipts">{t('receipts')}</a> · <a href="#/">{t('home')}</a>
      </p>
    </>
  );
}
