// «Produkter» (operators): cities, car parks and their zones; products (new ones, price changes with
// the date renewals pay them, withdrawal); terms versions; staff lists uploaded from a CSV file, with
// progress and the difference the upload made.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { AppState } from '../../App.js';
import { call, get, post, postWithProgress } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { parseKroner, parseStaffCsv, renewalsPayNewPriceFrom } from '../../logic/admin.js';
import { formatMoney } from '../../logic/money.js';
import type { City, List, Location, Product, StaffListDifference, Terms } from '../../types.js';
import { Field, Loaded, Message, formatDate, useLoad } from '../../ui.js';
import { AdminPageFrame, useProblemText } from './AdminShell.js';

export function AdminProductsPage({ state }: { state: AppState }) {
  return (
    <AdminPageFrame state={state} page="products">
      {() => <Catalogue />}
    </AdminPageFrame>
  );
}

interface Place {
  city: City;
  locations: Location[];
}

function Catalogue() {
  const { t } = useI18n();
  const data = useLoad(async () => {
    const cities = await get<List<City>>('/v1/cities');
    const places: Place[] = await Promise.all(
      cities.items.map(async (city) => ({
        city,
        locations: (await get<List<Location>>(`/v1/cities/${city.id}/locations`)).items,
      })),
    );
    const products = await get<List<Product>>('/v1/admin/products');
    return { places, products: products.items };
  }, []);
  return (
    <Loaded state={data}>
      {({ places, products }) => {
        const locations = places.flatMap((p) => p.locations);
        return (
          <>
            <section aria-labelledby="products-h">
              <h2 id="products-h">{t('products')}</h2>
              {products.map((p) => (
                <ProductCard
                  key={p.id}
                  product={p}
                  location={locations.find((l) => l.id === p.locationId)}
                  reload={data.reload}
                />
              ))}
              <NewProduct locations={locations} products={products} reload={data.reload} />
            </section>
            <section aria-labelledby="places-h">
              <h2 id="places-h">{t('cities')}</h2>
              {places.map(({ city, locations: ls }) => (
                <div key={city.id} className="admin-card">
                  <h3>{city.name}</h3>
                  <ul className="plain">
                    {ls.map((l) => (
                      <li key={l.id}>
                        <strong>{l.name}</strong>, {l.address} ({l.timeZone}) – {t('zones')}:{' '}
                        {l.zones.map((z) => z.name).join(', ')}
                        <OneField
                          label={`${t('newZone')} (${l.name})`}
                          button={t('add')}
                          send={(name) => post(`/v1/admin/locations/${l.id}/zones`, { name })}
                          done={data.reload}
                        />
                      </li>
                    ))}
                  </ul>
                  <NewLocation cityId={city.id} cityName={city.name} done={data.reload} />
                </div>
              ))}
              <OneField
                label={t('newCity')}
                button={t('add')}
                send={(name) => post('/v1/admin/cities', { name })}
                done={data.reload}
              />
            </section>
          </>
        );
      }}
    </Loaded>
  );
}

/** A one-field form (a city's or a zone's name). */
function OneField({
  label,
  button,
  send,
  done,
}: {
  label: string;
  button: string;
  send: (value: string) => Promise<unknown>;
  done: () => void;
}) {
  const problemText = useProblemText();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await send(value.trim());
      setValue('');
      done();
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <Field label={label} value={value} onChange={setValue} error={error} maxLength={200} />
      <button type="submit" className="button--secondary" disabled={busy || !value.trim()}>
        {button}
      </button>
    </form>
  );
}

function NewLocation({ cityId, cityName, done }: { cityId: string; cityName: string; done: () => void }) {
  const { t } = useI18n();
  const problemText = useProblemText();
  const [f, setF] = useState({ name: '', address: '', timeZone: 'Europe/Oslo', lat: '59.27', lon: '10.41' });
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post('/v1/admin/locations', {
        cityId,
        name: f.name,
        address: f.address,
        timeZone: f.timeZone,
        geo: { lat: Number(f.lat), lon: Number(f.lon) },
      });
      done();
    } catch (err) {
      setError(problemText(err));
    }
  }
  return (
    <details>
      <summary>
        {t('newLocation')} ({cityName})
      </summary>
      <form onSubmit={submit} noValidate className="admin-form">
        <Field label={t('locationName')} value={f.name} onChange={set('name')} />
        <Field label={t('locationAddress')} value={f.address} onChange={set('address')} />
        <Field label={t('timeZone')} value={f.timeZone} onChange={set('timeZone')} />
        <Field label={t('lat')} value={f.lat} onChange={set('lat')} inputMode="text" />
        <Field label={t('lon')} value={f.lon} onChange={set('lon')} inputMode="text" />
        <button type="submit">{t('add')}</button>
        <Message kind="error">{error}</Message>
      </form>
    </details>
  );
}

function ProductCard({
  product: p,
  location,
  reload,
}: {
  product: Product;
  location: Location | undefined;
  reload: () => void;
}) {
  const { t, lang } = useI18n();
  return (
    <article className="admin-card" aria-labelledby={`product-${p.id}`}>
      <h3 id={`product-${p.id}`}>{p.name}</h3>
      <p className="muted">
        {location?.name ?? p.locationId} · {formatMoney(p.price, lang)} {t('perPeriod')}{' '}
        {p.period.count > 1
          ? `${p.period.count} ${t(`periods_${p.period.unit}`)}`
          : t(`period_${p.period.unit}`)}{' '}
        · {p.autoRenew ? t('autoRenews') : t('oneOff')} · {p.onSale ? t('onSale') : t('withdrawn')}
      </p>
      <PriceChange product={p} reload={reload} />
      <TermsVersion product={p} reload={reload} />
      {p.requiresEmployeeNumber && <StaffListUpload product={p} />}
    </article>
  );
}

function PriceChange({ product, reload }: { product: Product; reload: () => void }) {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const [price, setPrice] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const amount = parseKroner(price);
    if (amount === null) return setError(t('priceFormat'));
    setError(null);
    setBusy(true);
    try {
      const changed = await call<Product>('PATCH', `/v1/admin/products/${product.id}`, {
        body: { price: { amount, currency: product.price.currency } },
      });
      setDone(
        t('priceChanged', {
          price: formatMoney(changed.price, lang),
          date: formatDate(renewalsPayNewPriceFrom(new Date()).toISOString(), lang, false),
        }),
      );
      setPrice('');
      reload();
    } catch (err) {
      setError(problemText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Section title={`${t('changePrice')} – ${product.name}`} summary={t('changePrice')}>
      <form onSubmit={submit} noValidate className="admin-form">
        <Field
          label={t('newPrice')}
          hint={t('priceRule')}
          value={price}
          onChange={setPrice}
          inputMode="text"
          error={error}
        />
        <button type="submit" disabled={busy}>
          {t('save')}
        </button>
      </form>
      <Message kind="success">{done}</Message>
    </Section>
  );
}

/** A disclosure with a name screen readers can tell apart from the other products' ones. */
function Section({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <details>
      <summary aria-label={title}>{summary}</summary>
      {children}
    </details>
  );
}

function TermsVersion({ product, reload }: { product: Product; reload: () => void }) {
  const { t } = useI18n();
  const problemText = useProblemText();
  const terms = useLoad(() => get<Terms>(`/v1/terms/${product.termsId}`), [product.termsId]);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const textId = useId();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const next = await post<Terms>('/v1/admin/terms', {
        title: title || terms.data?.title,
        text,
        replaces: product.termsId,
      });
      await call('PATCH', `/v1/admin/products/${product.id}`, { body: { termsId: next.id } });
      setDone(t('termsPublished', { v: next.version }));
      setText('');
      reload();
    } catch (err) {
      setError(problemText(err));
    }
  }
  const summary = terms.data
    ? `${terms.data.title} – ${t('termsVersion', { v: terms.data.version })}`
    : t('terms');
  return (
    <Section title={`${summary} – ${product.name}`} summary={summary}>
      {terms.data && <p className="terms-text">{terms.data.text}</p>}
      <form onSubmit={submit} noValidate className="admin-form">
        <h4>{t('newTermsVersion')}</h4>
        <Field label={t('termsTitle')} value={title || terms.data?.title || ''} onChange={setTitle} />
        <div className="field">
          <label htmlFor={textId}>{t('termsText')}</label>
          <textarea id={textId} value={text} onChange={(e) => setText(e.target.value)} rows={5} />
        </div>
        <button type="submit" disabled={!text.trim()}>
          {t('publishTerms')}
        </button>
        <Message kind="error">{error}</Message>
      </form>
      <Message kind="success">{done}</Message>
    </Section>
  );
}

function StaffListUpload({ product }: { product: Product }) {
  const { t } = useI18n();
  const problemText = useProblemText();
  const fileId = useId();
  const [read, setRead] = useState<ReturnType<typeof parseStaffCsv> | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<StaffListDifference | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function upload(file: File) {
    setError(null);
    setResult(null);
    const parsed = parseStaffCsv(await file.text());
    setRead(parsed);
    if (parsed.rejected.length)
      return setError(
        t('staffRejected', {
          lines: parsed.rejected
            .slice(0, 5)
            .map((r) => `${r.line}: «${r.text}»`)
            .join(', '),
        }),
      );
    if (!parsed.numbers.length) return setError(t('staffEmpty'));
    setProgress(0);
    try {
      setResult(
        await postWithProgress<StaffListDifference>(
          `/v1/admin/products/${product.id}/employees/upload`,
          { employeeNumbers: parsed.numbers },
          (f) => setProgress(Math.round(f * 100)),
        ),
      );
    } catch (err) {
      setError(problemText(err));
    } finally {
      setProgress(null);
    }
  }

  return (
    <Section title={`${t('staffList')} – ${product.name}`} summary={t('staffList')}>
      <div className="field">
        <label htmlFor={fileId}>{t('staffFile')}</label>
        <p className="hint" id={`${fileId}-hint`}>
          {t('staffListHint')}
        </p>
        <input
          id={fileId}
          type="file"
          accept=".csv,.txt,text/csv,text/plain"
          aria-describedby={`${fileId}-hint`}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
            e.target.value = '';
          }}
        />
      </div>
      {read && (
        <p>{t('staffRead', { n: read.numbers.length, d: read.duplicates, r: read.rejected.length })}</p>
      )}
      {progress !== null && (
        <p role="status">
          <progress max={100} value={progress} aria-label={t('upload')} /> {t('uploading', { p: progress })}
        </p>
      )}
      <Message kind="error">{error}</Message>
      {result && (
        <div className="message message--success" role="status">
          <p>
            {t('staffUploaded', {
              count: result.count,
              added: result.added,
              removed: result.removed,
              unchanged: result.unchanged,
            })}
          </p>
          {result.addedSample.length > 0 && (
            <p>
              {t('addedNumbers')}: {result.addedSample.join(', ')}
              {result.added > result.addedSample.length ? ' …' : ''}
            </p>
          )}
          {result.removedSample.length > 0 && (
            <p>
              {t('removedNumbers')}: {result.removedSample.join(', ')}
              {result.removed > result.removedSample.length ? ' …' : ''}
            </p>
          )}
        </div>
      )}
    </Section>
  );
}

function NewProduct({
  locations,
  products,
  reload,
}: {
  locations: Location[];
  products: Product[];
  reload: () => void;
}) {
  const { t } = useI18n();
  const problemText = useProblemText();
  const ids = { location: useId(), unit: useId(), start: useId(), terms: useId(), termsText: useId() };
  const [f, setF] = useState({
    name: '',
    description: '',
    locationId: locations[0]?.id ?? '',
    zoneIds: [] as string[],
    price: '',
    vatRate: '25',
    unit: 'month',
    count: '1',
    autoRenew: true,
    maxVehicles: '1',
    startPolicy: 'chosen',
    requiresEmployeeNumber: false,
    capacity: '',
    termsId: products[0]?.termsId ?? '',
    termsTitle: '',
    termsText: '',
  });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const set =
    <K extends keyof typeof f>(k: K) =>
    (v: (typeof f)[K]) =>
      setF((x) => ({ ...x, [k]: v }));
  const location = locations.find((l) => l.id === f.locationId);
  const termsChoices = [...new Set(products.map((p) => p.termsId))];

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const amount = parseKroner(f.price);
    if (amount === null) return setError(`${t('priceKr')}: ${t('priceFormat')}`);
    try {
      let termsId = f.termsId;
      if (!termsId) {
        const terms = await post<Terms>('/v1/admin/terms', { title: f.termsTitle, text: f.termsText });
        termsId = terms.id;
      }
      const created = await post<Product>('/v1/admin/products', {
        name: f.name,
        description: f.description,
        locationId: f.locationId,
        zoneIds: f.zoneIds.length ? f.zoneIds : (location?.zones.map((z) => z.id) ?? []),
        price: { amount, currency: 'NOK' },
        vatRate: Number(f.vatRate),
        period: { unit: f.unit, count: Number(f.count) },
        autoRenew: f.autoRenew,
        maxVehicles: Number(f.maxVehicles),
        startPolicy: f.startPolicy,
        requiresEmployeeNumber: f.requiresEmployeeNumber,
        termsId,
        capacity: f.capacity.trim() ? Number(f.capacity) : null,
      });
      setDone(created.name);
      reload();
    } catch (err) {
      setError(problemText(err));
    }
  }

  return (
    <details className="admin-card">
      <summary>{t('newProduct')}</summary>
      <form onSubmit={submit} noValidate className="admin-form">
        <Field label={t('name')} value={f.name} onChange={set('name')} maxLength={200} />
        <Field label={t('description')} value={f.description} onChange={set('description')} />
        <div className="field">
          <label htmlFor={ids.location}>{t('chooseLocation')}</label>
          <select id={ids.location} value={f.locationId} onChange={(e) => set('locationId')(e.target.value)}>
            {locations.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>{t('zones')}</legend>
          {location?.zones.map((z) => (
            <label key={z.id} className="radio">
              <input
                type="checkbox"
                checked={f.zoneIds.includes(z.id)}
                onChange={(e) =>
                  set('zoneIds')(
                    e.target.checked ? [...f.zoneIds, z.id] : f.zoneIds.filter((x) => x !== z.id),
                  )
                }
              />{' '}
              {z.name}
            </label>
          ))}
        </fieldset>
        <Field label={t('priceKr')} value={f.price} onChange={set('price')} />
        <Field label={t('vatRate')} value={f.vatRate} onChange={set('vatRate')} inputMode="numeric" />
        <div className="field">
          <label htmlFor={ids.unit}>{t('periodUnit')}</label>
          <select id={ids.unit} value={f.unit} onChange={(e) => set('unit')(e.target.value)}>
            {(['day', 'week', 'month', 'year'] as const).map((u) => (
              <option key={u} value={u}>
                {t(`period_${u}`)}
              </option>
            ))}
          </select>
        </div>
        <Field label={t('periodCount')} value={f.count} onChange={set('count')} inputMode="numeric" />
        <label className="radio">
          <input type="checkbox" checked={f.autoRenew} onChange={(e) => set('autoRenew')(e.target.checked)} />{' '}
          {t('autoRenew')}
        </label>
        <Field
          label={t('maxVehicles')}
          value={f.maxVehicles}
          onChange={set('maxVehicles')}
          inputMode="numeric"
        />
        <div className="field">
          <label htmlFor={ids.start}>{t('startPolicy')}</label>
          <select id={ids.start} value={f.startPolicy} onChange={(e) => set('startPolicy')(e.target.value)}>
            <option value="chosen">{t('startPolicy_chosen')}</option>
            <option value="at_purchase">{t('startPolicy_at_purchase')}</option>
          </select>
        </div>
        <label className="radio">
          <input
            type="checkbox"
            checked={f.requiresEmployeeNumber}
            onChange={(e) => set('requiresEmployeeNumber')(e.target.checked)}
          />{' '}
          {t('requiresEmployeeNumber')}
        </label>
        <Field label={t('capacity')} value={f.capacity} onChange={set('capacity')} inputMode="numeric" />
        <div className="field">
          <label htmlFor={ids.terms}>{t('terms')}</label>
          <select id={ids.terms} value={f.termsId} onChange={(e) => set('termsId')(e.target.value)}>
            {termsChoices.map((id) => (
              <option key={id} value={id}>
                {products.find((p) => p.termsId === id)?.name} – {id.slice(0, 8)}
              </option>
            ))}
            <option value="">{t('newTermsVersion')}</option>
          </select>
        </div>
        {!f.termsId && (
          <>
            <Field label={t('termsTitle')} value={f.termsTitle} onChange={set('termsTitle')} />
            <div className="field">
              <label htmlFor={ids.termsText}>{t('termsText')}</label>
              <textarea
                id={ids.termsText}
                value={f.termsText}
                onChange={(e) => set('termsText')(e.target.value)}
                rows={4}
              />
            </div>
          </>
        )}
        <button type="submit">{t('create')}</button>
        <Message kind="error">{error}</Message>
        <Message kind="success">{done ? `${t('saved')} ${done}` : null}</Message>
      </form>
    </details>
  );
}
