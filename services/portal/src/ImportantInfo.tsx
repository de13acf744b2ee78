// «Viktig informasjon» from the guide: on the product and receipt pages, with the operator's customer
// service when it has one.
import { useI18n } from './i18n.js';
import type { Operator } from './types.js';

export function ImportantInfo({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="important-info" className="important-info">
      <h2 id="important-info">{t('importantInfo')}</h2>
      <ul>
        <li>{t('info_oneVehicle')}</li>
        <li>{t('info_areas')}</li>
        <li>{t('info_noSpace')}</li>
        <li>{t('info_card')}</li>
        <li>
          {t('info_help')} <SupportContacts operator={operator} />
        </li>
      </ul>
    </section>
  );
}

/** The operator's customer-service phone and e-mail, as links; nothing when neither is set. */
export function SupportContacts({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  if (!operator.supportPhone && !operator.supportEmail) return null;
  return (
    <span className="support">
      {t('customerService')}:{' '}
      {operator.supportPhone && (
        <>
          {t('phoneLabel')}{' '}
          <a href={`tel:${operator.supportPhone.replace(/[^+\d]/g, '')}`}>{operator.supportPhone}</a>
        </>
      )}
      {operator.supportPhone && operator.supportEmail && ', '}
      {operator.supportEmail && (
        <>
          {t('emailLabel')} <a href={`mailto:${operator.supportEmail}`}>{operator.supportEmail}</a>
        </>
      )}
    </span>
  );
}
