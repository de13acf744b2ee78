// The attendant's page (role officer): plate and zone → the answer and its reason in large type;
// record an observation. The zone's whitelist is downloaded when the zone is picked, so checks go on
// (from the list) when the network drops.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { AppState } from '../App.js';
import { ApiError, call, get, getOperator } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { normalisePlate } from '../logic/plates.js';
import { checkOffline, type Whitelist } from '../logic/whitelist.js';
import type { Check, City, List, Location } from '../types.js';
import { Field, Message, PageTitle, formatDate, useErrorText } from '../ui.js';

interface ZoneOption {
  id: string;
  label: string;
}

const store = {
  read<T>(key: string): T | null {
    try {
      return JSON.parse(localStorage.getItem(`portal.${getOperator()}.${key}`) ?? 'null');
    } catch {
      return null;
    }
  },
  write(key: string, value: unknown) {
    try {
      localStorage.setItem(`portal.${getOperator()}.${key}`, JSON.stringify(value));
    } catch {
      /* full or private mode: the page still works online */
    }
  },
};

async function loadZones(): Promise<ZoneOption[]> {
  const cities = await get<List<City>>('/v1/cities');
  const options: ZoneOption[] = [];
  for (const city of cities.items) {
    const locations = await get<List<Location>>(`/v1/cities/${city.id}/locations`);
    for (const l of locations.items)
      for (const z of l.zones) options.push({ id: z.id, label: `${l.name} – ${z.name}` });
  }
  return options;
}

type Answer =
  | (Check & { offline?: false })
  | (ReturnType<typeof checkOffline> & { offline: true; plate: string; asOf: string });

export function ControlPage({ state }: { state: AppState }) {
  const { t, lang } = useI18n();
  const errorText = useErrorText();
  const zoneId = useId();
  const [zones, setZones] = useState<ZoneOption[]>(() => store.read<ZoneOption[]>('zones') ?? []);
  const [zone, setZone] = useState(() => store.read<string>('zone') ?? '');
  const [plate, setPlate] = useState('');
  const [plateError, setPlateError] = useState<string | null>(null);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [observed, setObserved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const officer = state.me?.roles.includes('officer') ?? false;

  useEffect(() => {
    if (!officer) return;
    loadZones().then(
      (z) => {
        setZones(z);
        store.write('zones', z);
        if (!zone && z[0]) setZone(z[0].id);
      },
      () => {
        /* offline: the zones kept from the last visit */
      },
    );
  }, [officer]);

  useEffect(() => {
    if (!officer || !zone) return;
    store.write('zone', zone);
    const at = () => formatDate(new Date().toISOString(), lang);
    get<Whitelist>(`/v1/enforcement/whitelist?zone=${encodeURIComponent(zone)}`).then(
      (list) => {
        store.write(`whitelist.${zone}`, list);
        setInfo(t('whitelistLoaded', { at: at(), n: list.items.length }));
      },
      () => {
        const kept = store.read<Whitelist>(`whitelist.${zone}`);
        setInfo(
          kept ? t('whitelistLoaded', { at: formatDate(kept.asOf, lang), n: kept.items.length }) : null,
        );
      },
    );
  }, [zone, officer]);

  if (!officer) {
    return (
      <>
        <PageTitle>{t('controlTitle')}</PageTitle>
        <Message kind="error">{t('officersOnly')}</Message>
      </>
    );
  }

  async function check(e: FormEvent) {
    e.preventDefault();
    setObserved(null);
    setError(null);
    setAnswer(null);
    const p = normalisePlate(plate);
    if (!p) return setPlateError(t('required'));
    setPlateError(null);
    setBusy(true);
    try {
      const result = await get<Check>(
        `/v1/enforcement/check?plate=${encodeURIComponent(p)}&zone=${encodeURIComponent(zone)}`,
      );
      setAnswer(result);
    } catch (err) {
      if (err instanceof ApiError && err.offline) {
        const kept = store.read<Whitelist>(`whitelist.${zone}`);
        if (!kept) setError(t('noWhitelist'));
        else
          setAnswer({ ...checkOffline(kept, p, 'NO', new Date()), offline: true, plate: p, asOf: kept.asOf });
      } else if (err instanceof ApiError && err.problem.errors?.some((x) => x.path === 'plate')) {
        setPlateError(err.problem.errors.find((x) => x.path === 'plate')!.message);
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function observe() {
    setError(null);
    setObserved(null);
    setBusy(true);
    try {
      const res = await call('POST', '/v1/enforcement/observations', {
        body: { plate: normalisePlate(plate), zone, kind: 'seen' },
      });
      setObserved(
        res.violation
          ? t('violationRecorded', { type: t(`violation_${res.violation.type}` as MessageKey) })
          : t('observationRecorded'),
      );
    } catch (err) {
      setError(err instanceof ApiError && err.offline ? t('observationNeedsNetwork') : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>{t('controlTitle')}</PageTitle>
      <form onSubmit={check} noValidate className="control">
        <div className="field">
          <label htmlFor={zoneId}>{t('zone')}</label>
          <select id={zoneId} value={zone} onChange={(e) => setZone(e.target.value)}>
            {!zone && <option value="">{t('chooseZone')}</option>}
            {zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.label}
              </option>
            ))}
          </select>
        </div>
        <Field
          label={t('plate')}
          value={plate}
          onChange={(v) => setPlate(normalisePlate(v))}
          error={plateError}
          autoComplete="off"
          maxLength={14}
        />
        <button type="submit" disabled={busy || !zone} className="big">
          {t('check')}
        </button>
      </form>
      {info && <p className="muted">{info}</p>}
      <Message kind="error">{error}</Message>
      {answer && (
        <div
          className={`answer ${answer.allowed ? 'answer--ok' : 'answer--no'}`}
          role="status"
          aria-live="polite"
        >
          <p className="answer-plate">{answer.plate}</p>
          <p className="answer-verdict">{answer.allowed ? t('allowed') : t('notAllowed')}</p>
          <p className="answer-reason">{t(`reason_${answer.reason}` as MessageKey)}</p>
          {answer.validTo && (
            <p>
              {t('validTo')}: {formatDate(answer.validTo, lang)}
            </p>
          )}
          {answer.offline && <p>{t('offlineAnswer', { at: formatDate(answer.asOf, lang) })}</p>}
        </div>
      )}
      {answer && !answer.offline && (
        <p>
          <button type="button" className="button--secondary" onClick={observe} disabled={busy}>
            {t('recordObservation')}
          </button>
        </p>
      )}
      <Message kind="success">{observed}</Message>
    </>
  );
}
