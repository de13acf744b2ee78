// «Kvitteringer» (operators): the receipts of a period, and the accounting export as a CSV file.
import { useState, type FormEvent } from 'react';
import type { AppState } from '../../App.js';
import { call, get } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { formatMoney } from '../../logic/money.js';
import type { List, Receipt } from '../../types.js';
import { Field, Message, formatDate } from '../../ui.js';
import { AdminPageFrame, useProblemText } from './AdminShell.js';

export function AdminReceiptsPage({ state }: { state: AppState }) {
  return (
    <AdminPageFrame state={state} page="receipts">
      {() => <Receipts />}
    </AdminPageFrame>
  );
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(new Date());
const firstOfMonth = () => `${today().slice(0, 8)}01`;
/** A calendar day (the browser's own time zone) as the instant it starts: the API takes instants. */
const startOf = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const endOf = (day: string) =>
  new Date(new Date(`${day}T00:00:00`).getTime() + 24 * 3600 * 1000).toISOString();

function Receipts() {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const [from, setFrom] = useState(firstOfMonth);
  const [to, setTo] = useState(today);
  const [items, setItems] = useState<Receipt[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const query = () => `from=${encodeURIComponent(startOf(from))}&to=${encodeURIComponent(endOf(to))}`;

  async function show(e?: FormEvent) {
    e?.preventDefault();
    setError(null);
    try {
      setItems((await get<List<Receipt>>(`/v1/admin/receipts?${query()}`)).items);
    } catch (err) {
      setError(problemText(err));
    }
  }

  async function exportCsv() {
    setError(null);
    try {
      const csv = await call<string>('GET', `/v1/admin/receipts?${query()}`, { accept: 'text/csv' });
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `kvitteringer-${from}-${to}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(problemText(err));
    }
  }

  return (
    <>
      <form onSubmit={show} noValidate className="admin-form inline-fields">
        <Field label={t('from')} type="date" value={from} onChange={setFrom} />
        <Field label={t('to')} type="date" value={to} onChange={setTo} />
        <button type="submit">{t('show')}</button>{' '}
        <button type="button" className="button--secondary" onClick={exportCsv}>
          {t('exportCsv')}
        </button>
      </form>
      <Message kind="error">{error}</Message>
      {items &&
        (items.length ? (
          <div className="table-wrap">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('number')}</th>
                  <th scope="col">{t('date')}</th>
                  <th scope="col">{t('kind')}</th>
                  <th scope="col">{t('product')}</th>
                  <th scope="col">{t('vehicles')}</th>
                  <th scope="col">{t('total')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id}>
                    <td>{r.number}</td>
                    <td>{formatDate(r.issuedAt, lang)}</td>
                    <td>{t(`kind_${r.kind}`)}</td>
                    <td>{r.product.name}</td>
                    <td>{r.plates.join(', ')}</td>
                    <td className="num">{formatMoney(r.total, lang)}</td>
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
