// Plates confirmed one by one («Bekreft» after each), normalised as typed, 1..max of them, each with the
// country it is registered in (Norway unless chosen: the international vehicle codes the enforcement
// check accepts, from the one list in @parking/contracts/countries).
import { DEFAULT_VEHICLE_COUNTRY, VEHICLE_COUNTRIES } from '@parking/contracts/countries';
import { useId, useState } from 'react';
import { useI18n } from './i18n.js';
import { normalisePlate, plateProblem, vehicleLabel } from './logic/plates.js';
import type { Vehicle } from './types.js';

interface Props {
  vehicles: Vehicle[];
  onVehicles: (vehicles: Vehicle[]) => void;
  typed: string;
  onTyped: (typed: string) => void;
  max: number;
  /** An error about the plates from outside (the API's, or "none confirmed"). */
  error?: string | null;
}

export function PlatesEditor({ vehicles, onVehicles, typed, onTyped, max, error }: Props) {
  const { t, lang } = useI18n();
  const id = useId();
  const [country, setCountry] = useState(DEFAULT_VEHICLE_COUNTRY);
  const [problem, setProblem] = useState<string | null>(null);
  const shown = problem ?? error ?? null;

  function confirm() {
    const p = plateProblem(typed, vehicles, max, country);
    if (p) return setProblem(t(p, { n: max }));
    setProblem(null);
    onVehicles([...vehicles, { plate: normalisePlate(typed), country }]);
    onTyped('');
  }

  return (
    <fieldset className={`field plates${shown ? ' field--error' : ''}`}>
      <legend>{t('plate')}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t('plateHint', { n: max })}
      </p>
      {vehicles.length > 0 && (
        <ul className="plate-list" aria-label={t('vehicles')}>
          {vehicles.map((v) => (
            <li key={`${v.country}:${v.plate}`}>
              <span className="plate">{vehicleLabel(v)}</span>
              <button
                type="button"
                className="button--secondary small"
                aria-label={t('removePlate', { plate: vehicleLabel(v) })}
                onClick={() => onVehicles(vehicles.filter((x) => x !== v))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {vehicles.length < max && (
        <div className="inline">
          <label htmlFor={id} className="visually-hidden">
            {t('plate')}
          </label>
          <input
            id={id}
            value={typed}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            maxLength={14}
            onChange={(e) => {
              setProblem(null);
              onTyped(normalisePlate(e.target.value));
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                confirm();
              }
            }}
            aria-invalid={shown ? true : undefined}
            aria-describedby={`${id}-hint${shown ? ` ${id}-error` : ''}`}
          />
          <label htmlFor={`${id}-country`} className="visually-hidden">
            {t('country')}
          </label>
          <select
            id={`${id}-country`}
            className="country"
            value={country}
            title={t('countryHint')}
            onChange={(e) => setCountry(e.target.value)}
          >
            {VEHICLE_COUNTRIES.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} – {c[lang]}
              </option>
            ))}
          </select>
          <button type="button" onClick={confirm}>
            {t('confirmPlate')}
          </button>
        </div>
      )}
      {shown && (
        <p className="error" id={`${id}-error`} role="alert">
          {shown}
        </p>
      )}
    </fieldset>
  );
}
