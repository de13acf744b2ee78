// «Kvittering»: one receipt as the law wants it (seller, buyer, product, period, plates, VAT), and the list.
import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatMoney } from '../logic/money.js';
import { ImportantInfo } from '../ImportantInfo.js';
import type { List, Operator, Receipt } from '../types.js';
import { Loaded, Message, PageTitle, formatDate, useLoad } from '../ui.js';

export function ReceiptPage({ id, operator }: { id: string; operator: Operator }) {
  const { t, lang } = useI18n();
  const receipt = useLoad(() => get<Receipt>(`/v1/receipts/${id}`), [id]);
  const justBought = receipt.data && sessionStorage.getItem('portal.justBought') === receipt.data.agreementId;
  return (
    <Loaded state={receipt}>
      {(r) => (
        <>
          {justBought && <Message kind="success">{t('purchaseDone')}</Message>}
          <PageTitle>
            {r.kind === 'refund' ? t('refundReceipt') : t('receipt')} – {t('receiptNo', { n: r.number })}
          </PageTitle>
          <article className="receipt">
            <dl className="summary">
              <div>
                <dt>{t('seller')}</dt>
                <dd>
                  {r.seller.name}, {t('orgNo')} {r.seller.organisationNumber}, {r.seller.address}
                </dd>
              </div>
              <div>
                <dt>{t('buyer')}</dt>
                <dd>{r.buyer.name ?? '–'}</dd>
              </div>
              <div>
                <dt>{t('issued')}</dt>
                <dd>{formatDate(r.issuedAt, lang)}</dd>
              </div>
              <div>
                <dt>{t('product')}</dt>
                <dd>{r.product.name}</dd>
              </div>
              <div>
                <dt>{t('vehicles')}</dt>
                <dd>{r.plates.join(', ')}</dd>
              </div>
              <div>
                <dt>{t('period')}</dt>
                <dd>
                  {formatDate(r.period.from, lang)} – {formatDate(r.period.to, lang)}
                </dd>
              </div>
            </dl>
            <table>
              <tbody>
                {r.lines.map((line, i) => (
                  <tr key={i}>
                    <th scope="row">{line.text}</th>
                    <td>{formatMoney(line.amount, lang)}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">{t('net')}</th>
                  <td>{formatMoney(r.net, lang)}</td>
                </tr>
                <tr>
                  <th scope="row">{t('vat', { rate: r.vatRate })}</th>
                  <td>{formatMoney(r.vat, lang)}</td>
                </tr>
                <tr className="total">
                  <th scope="row">{t('total')}</th>
                  <td>{formatMoney(r.total, lang)}</td>
                </tr>
              </tbody>
            </table>
          </article>
          {r.kind === 'charge' && <ImportantInfo operator={operator} />}
          <p className="actions">
            <button type="button" className="button--secondary" onClick={() => window.print()}>
              {t('print')}
            </button>{' '}
            <a href={`#/agreements/${r.agreementId}`}>{t('agreement')}</a> · <a href="#/">{t('home')}</a>
          </p>
        </>
      )}
    </Loaded>
  );
}

export function ReceiptsPage() {
  const { t, lang } = useI18n();
  const receipts = useLoad(() => get<List<Receipt>>('/v1/receipts'), []);
  return (
    <>
      <PageTitle>{t('receipts')}</PageTitle>
      <Loaded state={receipts}>
        {(list) =>
          list.items.length ? (
            <ul className="choices">
              {list.items.map((r) => (
                <li key={r.id}>
                  <a className="choice" href={`#/receipts/${r.id}`}>
                    <strong>
                      {r.kind === 'refund' ? t('refundReceipt') : t('receipt')} {r.number} – {r.product.name}
                    </strong>
                    <span>
                      {formatDate(r.issuedAt, lang)} · {formatMoney(r.total, lang)}
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('noReceipts')}</p>
          )
        }
      </Loaded>
    </>
  );
}
