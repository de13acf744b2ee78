// «Hjem»: the customer's agreements and the vehicles («kjøretøy») on those valid now or later.
import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import { homeOrder } from '../logic/agreements.js';
import type { Agreement, List, Vehicle } from '../types.js';
import { Loaded, PageTitle, formatDate, useLoad } from '../ui.js';

export function AgreementSummary({ a }: { a: Agreement }) {
  const { t, lang } = useI18n();
  return (
    <>
      <p>
        <span className={`status status--${a.status}`}>{t(`status_${a.status}`)}</span>
      </p>
      <dl className="summary compact">
        <div>
          <dt>{t('vehicles')}</dt>
          <dd>{a.vehicles.map((v) => v.plate).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('zones')}</dt>
          <dd>{a.zones.map((z) => z.name).join(', ')}</dd>
        </div>
        <div>
          <dt>{t('validFrom')}</dt>
          <dd>{formatDate(a.validFrom, lang)}</dd>
        </div>
        <div>
          <dt>{t('validTo')}</dt>
          <dd>{formatDate(a.validTo, lang)}</dd>
        </div>
        {a.nextRenewalAt && a.status === 'active' && (
          <div>
            <dt>{t('nextRenewal')}</dt>
            <dd>{formatDate(a.nextRenewalAt, lang)}</dd>
          </div>
        )}
        {a.endsAt && (
          <div>
            <dt>{t('endsAt')}</dt>
            <dd>{formatDate(a.endsAt, lang)}</dd>
          </div>
        )}
      </dl>
    </>
  );
}

export function HomePage() {
  const { t } = useI18n();
  const data = useLoad(
    () =>
      Promise.all([
        get<List<Agreement>>('/v1/agreements'),
        get<{ items: (Vehicle & { agreementIds: string[] })[] }>('/v1/me/vehicles'),
      ]),
    [],
  );
  return (
    <>
      <PageTitle>{t('home')}</PageTitle>
      <p>
        <a className="button" href="#/new">
          {t('newAgreement')}
        </a>
      </p>
      <Loaded state={data}>
        {([agreements, vehicles]) => (
          <>
            <section aria-labelledby="vehicles-heading">
              <h2 id="vehicles-heading">{t('myVehicles')}</h2>
              {vehicles.items.length ? (
                <ul className="plate-list" data-testid="vehicles">
                  {vehicles.items.map((v) => (
                    <li key={`${v.country}-${v.plate}`}>
                      <span className="plate">{v.plate}</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t('noVehicles')}</p>
              )}
            </section>
            <section aria-labelledby="agreements-heading">
              <h2 id="agreements-heading">{t('myAgreements')}</h2>
              {agreements.items.length ? (
                <ul className="agreements">
                  {homeOrder(agreements.items).map((a) => (
                    <li key={a.id} className="agreement">
                      <h3>{a.product.name}</h3>
                      <AgreementSummary a={a} />
                      <a href={`#/agreements/${a.id}`} aria-label={`${t('details')}: ${a.product.name}`}>
                        {t('details')}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t('noAgreements')}</p>
              )}
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}
