// «Ny parkeringsavtale»: city/place → car park → the agreement products with their description.
import { get } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatMoney } from '../logic/money.js';
import type { City, List, Location, Product } from '../types.js';
import { Loaded, PageTitle, useLoad } from '../ui.js';

export function CitiesPage() {
  const { t } = useI18n();
  const cities = useLoad(() => get<List<City>>('/v1/cities'), []);
  return (
    <>
      <PageTitle>{t('chooseCity')}</PageTitle>
      <Loaded state={cities}>
        {(list) =>
          list.items.length ? (
            <ul className="choices">
              {list.items.map((c) => (
                <li key={c.id}>
                  <a className="choice" href={`#/new/${c.id}`}>
                    {c.name}
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('noneHere')}</p>
          )
        }
      </Loaded>
    </>
  );
}

export function LocationsPage({ cityId }: { cityId: string }) {
  const { t } = useI18n();
  const locations = useLoad(() => get<List<Location>>(`/v1/cities/${cityId}/locations`), [cityId]);
  return (
    <>
      <PageTitle>{t('chooseLocation')}</PageTitle>
      <Loaded state={locations}>
        {(list) =>
          list.items.length ? (
            <ul className="choices">
              {list.items.map((l) => (
                <li key={l.id}>
                  <a className="choice" href={`#/new/${cityId}/${l.id}`}>
                    <strong>{l.name}</strong>
                    <span>{l.address}</span>
                  </a>
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('noneHere')}</p>
          )
        }
      </Loaded>
      <p>
        <a href="#/new">{t('back')}</a>
      </p>
    </>
  );
}

export function PeriodText({ product }: { product: Product }) {
  const { t } = useI18n();
  const { unit, count } = product.period;
  return <>{count === 1 ? t(`period_${unit}`) : `${count} ${t(`periods_${unit}`)}`}</>;
}

export function ProductFacts({ product }: { product: Product }) {
  const { t, lang } = useI18n();
  return (
    <p className="facts">
      <strong>{formatMoney(product.price, lang)}</strong> {t('perPeriod')} <PeriodText product={product} /> ·{' '}
      {product.autoRenew ? t('autoRenews') : t('oneOff')} · {t('vehiclesMax', { n: product.maxVehicles })} ·{' '}
      {t('zones')}: {product.zones.map((z) => z.name).join(', ')}
    </p>
  );
}

export function ProductsPage({ cityId, locationId }: { cityId: string; locationId: string }) {
  const { t } = useI18n();
  const products = useLoad(() => get<List<Product>>(`/v1/locations/${locationId}/products`), [locationId]);
  return (
    <>
      <PageTitle>{t('chooseProduct')}</PageTitle>
      <p>{t('readDescription')}</p>
      <Loaded state={products}>
        {(list) =>
          list.items.length ? (
            <ul className="products">
              {list.items.map((p) => (
                <li key={p.id} className="product">
                  <h2>{p.name}</h2>
                  <ProductFacts product={p} />
                  <p className="description">{p.description}</p>
                  {p.soldOut ? (
                    <p className="badge">{t('soldOut')}</p>
                  ) : (
                    <a
                      className="button"
                      href={`#/new/${cityId}/${locationId}/${p.id}`}
                      aria-label={`${t('choose')}: ${p.name}`}
                    >
                      {t('choose')}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p>{t('noneHere')}</p>
          )
        }
      </Loaded>
      <p>
        <a href={`#/new/${cityId}`}>{t('back')}</a>
      </p>
    </>
  );
}
