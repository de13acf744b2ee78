// The purchase, in the guide's order: the product description, plates, start date (by the product's
// start policy), employee number when required, the terms to accept, «Fortsett», then the summary with
// the seller, the card (added here on a first purchase) and «Bestill» — and the receipt.
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../App.js';
import { ApiError, callWithStatus, get, newIdempotencyKey } from '../api.js';
import { CardForm, CardLabel } from '../CardForm.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { startChoice, startDateProblem } from '../logic/dates.js';
import { formatMoney } from '../logic/money.js';
import { vehicleLabel } from '../logic/plates.js';
import { placeProblem, purchaseFieldOf } from '../logic/problems.js';
import { ImportantInfo } from '../ImportantInfo.js';
import { PlatesEditor } from '../PlatesEditor.js';
import { navigate } from '../router.js';
import type { Agreement, List, Location, PaymentMethod, Product, Receipt, Terms, Vehicle } from '../types.js';
import { Field, Loaded, Message, PageTitle, formatDate, useErrorText, useLoad } from '../ui.js';
import { ProductFacts } from './CataloguePages.js';

interface PurchaseData {
  product: Product;
  location: Location;
  terms: Terms;
}

export function PurchasePage(props: {
  state: AppState;
  cityId: string;
  locationId: string;
  productId: string;
}) {
  const data = useLoad(async (): Promise<PurchaseData> => {
    const [product, locations] = await Promise.all([
      get<Product>(`/v1/products/${props.productId}`),
      get<List<Location>>(`/v1/cities/${props.cityId}/locations`),
    ]);
    const location = locations.items.find((l) => l.id === product.locationId) ?? locations.items[0];
    const terms = await get<Terms>(`/v1/terms/${product.termsId}`);
    return { product, location, terms };
  }, [props.productId]);
  return <Loaded state={data}>{(d) => <Purchase {...props} {...d} />}</Loaded>;
}

const FORM_FIELDS = ['vehicles', 'startDate', 'employeeNumber', 'terms'];

/** What was typed, kept while the card holder is on the bank's 3-D Secure page (same tab, this session). */
const DRAFT_KEY = 'portal.purchaseDraft';
interface Draft {
  productId: string;
  plates: Vehicle[];
  startDate: string;
  employeeNumber: string;
  accepted: boolean;
}
function takeDraft(productId: string): Draft | null {
  const raw = sessionStorage.getItem(DRAFT_KEY);
  if (!raw) return null;
  sessionStorage.removeItem(DRAFT_KEY);
  try {
    const draft = JSON.parse(raw) as Draft;
    return draft.productId === productId ? draft : null;
  } catch {
    return null;
  }
}

function Purchase({ state, product, location, terms }: { state: AppState } & PurchaseData) {
  const { t, lang } = useI18n();
  const errorText = useErrorText();
  const termsId = useId();
  const [choice] = useState(() =>
    startChoice(product.startPolicy, new Date(), location?.timeZone ?? 'Europe/Oslo'),
  );
  // Back from the bank's page: the purchase goes on where it was, at the summary.
  const [draft] = useState(() => takeDraft(product.id));
  const [step, setStep] = useState<'form' | 'confirm'>(draft ? 'confirm' : 'form');
  const [plates, setPlates] = useState<Vehicle[]>(draft?.plates ?? []);
  const [typed, setTyped] = useState('');
  const [startDate, setStartDate] = useState(
    draft?.startDate ?? (choice.kind === 'chosen' ? choice.suggested : ''),
  );
  const [employeeNumber, setEmployeeNumber] = useState(draft?.employeeNumber ?? '');
  const [accepted, setAccepted] = useState(draft?.accepted ?? false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [cardId, setCardId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState(false);
  const cards = useLoad(async () => {
    const list = await get<List<PaymentMethod>>('/v1/payment-methods');
    const active = list.items.filter((c) => c.status === 'active');
    setCardId((current) =>
      current && active.some((c) => c.id === current) ? current : (active[0]?.id ?? null),
    );
    return active;
  }, []);

  function toConfirm(e: FormEvent) {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (typed) found.vehicles = t('plateUnconfirmed');
    else if (!plates.length) found.vehicles = t('plates_required');
    const dateProblem = startDateProblem(choice, startDate);
    if (dateProblem) found.startDate = t(dateProblem);
    if (product.requiresEmployeeNumber && !employeeNumber.trim())
      found.employeeNumber = t('employee_required');
    if (!accepted) found.terms = t('terms_required');
    setErrors(found);
    setGeneral(Object.keys(found).length ? t('fixErrors') : null);
    if (!Object.keys(found).length) setStep('confirm');
  }

  async function order() {
    if (!cardId) return setErrors({ card: t('addCard') });
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      const res = await callWithStatus<Agreement>('POST', '/v1/agreements', {
        body: {
          productId: product.id,
          vehicles: plates,
          ...(choice.kind === 'chosen' ? { startDate } : {}),
          ...(product.requiresEmployeeNumber ? { employeeNumber: employeeNumber.trim() } : {}),
          acceptedTermsId: terms.id,
          paymentMethodId: cardId,
        },
        idempotencyKey: newIdempotencyKey(),
      });
      let agreement = res.body;
      if (agreement.status === 'pending_payment') {
        setPending(true);
        agreement = await settle(agreement.id);
        setPending(false);
      }
      if (agreement.status !== 'active') return setErrors({ card: t('purchaseFailed') });
      sessionStorage.setItem('portal.justBought', agreement.id);
      const receipt = await receiptOf(agreement.id);
      navigate(receipt ? `/receipts/${receipt.id}` : `/agreements/${agreement.id}`);
    } catch (err) {
      if (!(err instanceof ApiError)) return setGeneral(errorText(err));
      if (err.status === 402) return setErrors({ card: t('cardDeclinedError') });
      if (err.status === 409) return setGeneral(t('soldOutError'));
      const placed = placeProblem(err.problem, purchaseFieldOf);
      setErrors(placed.fields);
      if (Object.keys(placed.fields).some((f) => FORM_FIELDS.includes(f))) {
        setStep('form');
        setGeneral(placed.general ?? t('fixErrors'));
      } else setGeneral(err.offline ? t('networkError') : placed.general);
    } finally {
      setBusy(false);
      setPending(false);
    }
  }

  const header = (
    <>
      <PageTitle>{product.name}</PageTitle>
      <p className="muted">
        {location?.name}
        {location?.address ? `, ${location.address}` : ''}
      </p>
    </>
  );

  if (step === 'confirm') {
    const summary: [MessageKey, string][] = [
      ['seller', `${state.operator.name} (${t('orgNo')} ${state.operator.organisationNumber})`],
      ['product', product.name],
      ['vehicles', plates.map(vehicleLabel).join(', ')],
      ['starts', choice.kind === 'chosen' ? formatDate(startDate, lang, false) : t('atPurchase')],
      ...(product.requiresEmployeeNumber ? [['employeeNumber', employeeNumber] as [MessageKey, string]] : []),
      ['price', formatMoney(product.price, lang)],
    ];
    return (
      <>
        {header}
        <h2>{t('summary')}</h2>
        <dl className="summary">
          {summary.map(([key, value]) => (
            <div key={key}>
              <dt>{t(key)}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
        <h2>{t('payWith')}</h2>
        <Loaded state={cards}>
          {(active) =>
            active.length ? (
              <fieldset className={`field${errors.card ? ' field--error' : ''}`}>
                <legend className="visually-hidden">{t('payWith')}</legend>
                {active.map((c) => (
                  <label key={c.id} className="radio">
                    <input
                      type="radio"
                      name="card"
                      value={c.id}
                      checked={cardId === c.id}
                      onChange={() => setCardId(c.id)}
                      aria-describedby={errors.card ? 'card-error' : undefined}
                    />
                    <CardLabel card={c} />
                  </label>
                ))}
                {errors.card && (
                  <p className="error" id="card-error" role="alert">
                    {errors.card}
                  </p>
                )}
              </fieldset>
            ) : (
              <>
                <p>{t('addCard')}</p>
                {errors.card && <Message kind="error">{errors.card}</Message>}
              </>
            )
          }
        </Loaded>
        <details className="add-card" open={!cards.data?.length}>
          <summary>{t('addCard')}</summary>
          <CardForm
            onSaved={(card) => {
              if (card.status === 'active') setCardId(card.id);
              cards.reload();
            }}
            onLeaving={() => {
              const kept: Draft = { productId: product.id, plates, startDate, employeeNumber, accepted };
              sessionStorage.setItem(DRAFT_KEY, JSON.stringify(kept));
            }}
          />
        </details>
        <Message kind="error">{general}</Message>
        {pending && <Message kind="info">{t('paymentPending')}</Message>}
        <div className="actions">
          <button type="button" className="button--secondary" onClick={() => setStep('form')} disabled={busy}>
            {t('back')}
          </button>
          <button type="button" onClick={order} disabled={busy || !cardId}>
            {busy ? t('ordering') : t('order')}
          </button>
        </div>
      </>
    );
  }

  return (
    <>
      {header}
      <section aria-labelledby="description">
        <h2 id="description">{t('productDescription')}</h2>
        <ProductFacts product={product} />
        <p className="description">{product.description}</p>
      </section>
      <ImportantInfo operator={state.operator} />
      <form onSubmit={toConfirm} noValidate>
        <PlatesEditor
          vehicles={plates}
          onVehicles={setPlates}
          typed={typed}
          onTyped={setTyped}
          max={product.maxVehicles}
          error={errors.vehicles}
        />
        {choice.kind === 'chosen' ? (
          <Field
            label={t('startDate')}
            hint={t('startHint', { max: formatDate(choice.max, lang, false) })}
            type="date"
            min={choice.min}
            max={choice.max}
            value={startDate}
            onChange={setStartDate}
            error={errors.startDate}
          />
        ) : (
          <div className="field">
            <p className="label-like">{t('startDate')}</p>
            <p>{t('atPurchase')}</p>
            {errors.startDate && <p className="error">{errors.startDate}</p>}
          </div>
        )}
        {product.requiresEmployeeNumber && (
          <Field
            label={t('employeeNumber')}
            value={employeeNumber}
            onChange={setEmployeeNumber}
            error={errors.employeeNumber}
            autoComplete="off"
          />
        )}
        <fieldset className={`field${errors.terms ? ' field--error' : ''}`}>
          <legend>{t('terms')}</legend>
          <details>
            <summary>
              {t('readTerms')}: {terms.title}
            </summary>
            <div className="terms-text">{terms.text}</div>
          </details>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={accepted}
              onChange={(e) => {
                setAccepted(e.target.checked);
                if (e.target.checked) setErrors(({ terms: _done, ...rest }) => rest);
              }}
              aria-invalid={errors.terms ? true : undefined}
              aria-describedby={errors.terms ? termsId : undefined}
            />
            {t('acceptTerms')}
          </label>
          {errors.terms && (
            <p className="error" id={termsId} role="alert">
              {errors.terms}
            </p>
          )}
        </fieldset>
        <Message kind="error">{general}</Message>
        <button type="submit">{t('continue')}</button>
      </form>
    </>
  );
}

/** A 202 purchase: its first charge settles a moment later (or fails). */
async function settle(id: string): Promise<Agreement> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const a = await get<Agreement>(`/v1/agreements/${id}`);
    if (a.status !== 'pending_payment' || Date.now() > deadline) return a;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The purchase's receipt: issued with the charge, read back a moment after (other services). */
async function receiptOf(agreementId: string): Promise<Receipt | null> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const list = await get<List<Receipt>>('/v1/receipts');
    const found = list.items.find((r) => r.agreementId === agreementId && r.kind === 'charge');
    if (found || Date.now() > deadline) return found ?? null;
    await new Promise((r) => setTimeout(r, 300));
  }
}
