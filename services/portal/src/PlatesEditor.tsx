// Plates confirmed one by one («Bekreft» after each), normalised as typed, 1..max of them.
import { useId, useState } from 'react';
import { useI18n } from './i18n.js';
import { normalisePlate, plateProblem } from './logic/plates.js';

interface Props {
  plates: string[];
  onPlates: (plates: string[]) => void;
  typed: string;
  onTyped: (typed: string) => void;
  max: number;
  /** An error about the plates from outside (the API's, or "none confirmed"). */
  error?: string | null;
}

export function PlatesEditor({ plates, onPlates, typed, onTyped, max, error }: Props) {
  const { t } = useI18n();
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const shown = problem ?? error ?? null;

  function confirm() {
    const p = plateProblem(typed, plates, max);
    if (p) return setProblem(t(p, { n: max }));
    setProblem(null);
    onPlates([...plates, normalisePlate(typed)]);
    onTyped('');
  }

  return (
    <fieldset className={`field plates${shown ? ' field--error' : ''}`}>
      <legend>{t('plate')}</legend>
      <p className="hint" id={`${id}-hint`}>
        {t('plateHint', { n: max })}
      </p>
      {plates.length > 0 && (
        <ul className="plate-list" aria-label={t('vehicles')}>
          {plates.map((plate) => (
            <li key={plate}>
              <span className="plate">{plate}</span>
              <button
                type="button"
                className="button--secondary small"
                aria-label={t('removePlate', { plate })}
                onClick={() => onPlates(plates.filter((x) => x !== plate))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {plates.length < max && (
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
