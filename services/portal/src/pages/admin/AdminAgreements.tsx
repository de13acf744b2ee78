// «Avtaler» (operators): find agreements by plate, user (mobile number) or product; one agreement's
// history with who did what; terminate it with no refund or a pro rata one.
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../../App.js';
import { get, post } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { normalisePlate } from '../../logic/plates.js';
import type { AdminHistoryEntry, AdminUser, Agreement, List, Product } from '../../types.js';
import { Field, Loaded, Message, formatDate, useLoad } from '../../ui.js';
import { AgreementSummary } from '../HomePage.js';
import { AdminPageFrame, useProblemText } from './AdminShell.js';

export function AdminAgreementsPage({ state, id }: { state: AppState; id?: string }) {
  return (
    <AdminPageFrame state={state} page="agreements">
      {() => (id ? <AgreementDetail id={id} /> : <AgreementSearch />)}
    </AdminPageFrame>
  );
}

const SEARCH_KEY = 'portal.admin.agreementSearch';

function AgreementSearch() {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const productId = useId();
  const kept = JSON.parse(sessionStorage.getItem(SEARCH_KEY) ?? '{}');
  const [plate, setPlate] = useState<string>(kept.plate ?? '');
  const [phone, setPhone] = useState<string>(kept.phone ?? '');
  const [product, setProduct] = useState<string>(kept.product ?? '');
  const [found, setFound] = useState<Agreement[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const products = useLoad(() => get<List<Product>>('/v1/admin/products'), []);

  async function search(e?: FormEvent) {
    e?.preventDefault();
    setError(null);
    setBusy(true);
    sessionStorage.setItem(SEARCH_KEY, JSON.stringify({ plate, phone, product }));
    try {
      const query = new URLSearchParams();
      if (plate) query.set('plate', normalisePlate(plate));
      if (product) query.set('productId', product);
      if (phone.trim()) {
        const users = await get<List<AdminUser>>(`/v1/admin/users?phone=${encodeURIComponent(phone.trim())}`);
        if (!users.items[0]) {
          setFound([]);
          setError(t('noSuchUser'));
          return;
        }
        query.set('userId', users.items[0].id);
      }
      const list = await get<List<Agreement>>(`/v1/admin/agreements?${query}`);
      setFound(list.items);
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form onSubmit={search} noValidate className="admin-form">
        <p className="hint">{t('searchHint')}</p>
        <Field
          label={t('plate')}
          value={plate}
          onChange={(v) => setPlate(normalisePlate(v))}
          autoComplete="off"
          maxLength={14}
        />
        <Field label={t('user')} value={phone} onChange={setPhone} type="tel" inputMode="tel" />
        <div className="field">
          <label htmlFor={productId}>{t('product')}</label>
          <select id={productId} value={product} onChange={(e) => setProduct(e.target.value)}>
            <option value="">{t('anyProduct')}</option>
            {(products.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {t('search')}
        </button>
      </form>
      <Message kind="error">{error}</Message>
      {found &&
        (found.length ? (
          <div className="table-wrap">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('product')}</th>
                  <th scope="col">{t('vehicles')}</th>
                  <th scope="col">{t('status')}</th>
                  <th scope="col">{t('validTo')}</th>
                </tr>
              </thead>
              <tbody>
                {found.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <a href={`#/admin/agreements/${a.id}`}>{a.product.name}</a>
                    </td>
                    <td>
                      {a.vehicles
                        .map((v) => (v.country === 'NO' ? v.plate : `${v.plate} (${v.country})`))
                        .join(', ')}
                    </td>
                    <td>{t(`status_${a.status}`)}</td>
                    <td>{formatDate(a.validTo, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p role="status">{t('noneFound')}</p>
        ))}
    </>
  );
}

/** Who did it: a person (short id), a device, or a service by name. */
function useActorText() {
  const { t } = useI18n();
  return (actor: AdminHistoryEntry['actor']): string => {
    if (!actor) return '–';
    if (typeof actor === 'string') return actor;
    if (actor.kind === 'user') return `${t('actor_user')} ${actor.id?.slice(0, 8) ?? ''}`.trim();
    if (actor.kind === 'device') return `${t('actor_device')} ${actor.id?.slice(0, 8) ?? ''}`.trim();
    return actor.id ? `${t('actor_system')} (${actor.id})` : t('actor_system');
  };
}

function AgreementDetail({ id }: { id: string }) {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const actorText = useActorText();
  const data = useLoad(async () => {
    const [agreement, history] = await Promise.all([
      get<Agreement>(`/v1/admin/agreements/${encodeURIComponent(id)}`),
      get<List<AdminHistoryEntry>>(`/v1/admin/agreements/${encodeURIComponent(id)}/history`),
    ]);
    return { agreement, history };
  }, [id]);
  const [reason, setReason] = useState('');
  const [refund, setRefund] = useState<'none' | 'pro_rata'>('none');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Agreement | null>(null);
  const [busy, setBusy] = useState(false);

  async function terminate(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!reason.trim()) return setReasonError(t('required'));
    setReasonError(null);
    setBusy(true);
    try {
      setDone(
        await post<Agreement>(`/v1/admin/agreements/${encodeURIComponent(id)}/terminate`, { reason, refund }),
      );
      data.reload();
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Loaded state={data}>
      {({ agreement: loaded, history }) => {
        const a = done ?? loaded;
        return (
          <>
            <h2>{a.product.name}</h2>
            <AgreementSummary a={a} />
            <section aria-labelledby="admin-history">
              <h2 id="admin-history">{t('history')}</h2>
              <div className="table-wrap">
                <table className="admin-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('date')}</th>
                      <th scope="col">{t('type')}</th>
                      <th scope="col">{t('actor')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {history.items.map((h, i) => (
                      <tr key={i}>
                        <td>
                          <time dateTime={h.at}>{formatDate(h.at, lang)}</time>
                        </td>
                        <td>{h.summary}</td>
                        <td>{actorText(h.actor)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
            {a.status !== 'ended' && a.status !== 'failed' && (
              <section aria-labelledby="terminate" className="danger-zone">
                <h2 id="terminate">{t('terminate')}</h2>
                <form onSubmit={terminate} noValidate className="admin-form">
                  <Field
                    label={t('terminateReason')}
                    value={reason}
                    onChange={setReason}
                    error={reasonError}
                    maxLength={500}
                  />
                  <fieldset className="field">
                    <legend>{t('refund')}</legend>
                    {(['none', 'pro_rata'] as const).map((r) => (
                      <label key={r} className="radio">
                        <input
                          type="radio"
                          name="refund"
                          value={r}
                          checked={refund === r}
                          onChange={() => setRefund(r)}
                        />{' '}
                        {t(`refund_${r}`)}
                      </label>
                    ))}
                  </fieldset>
                  <button type="submit" className="button--danger" disabled={busy}>
                    {t('terminate')}
                  </button>
                </form>
              </section>
            )}
            <Message kind="success">{done ? t('terminated') : null}</Message>
            <Message kind="error">{error}</Message>
            <p>
              <a href="#/admin/agreements">{t('backToList')}</a>
            </p>
          </>
        );
      }}
    </Loaded>
  );
}
