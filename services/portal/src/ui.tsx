// Small accessible building blocks: labelled fields with their error beside them, messages, loading.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from './api.js';
import { useI18n } from './i18n.js';

interface FieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | null;
  hint?: string;
  type?: string;
  name?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'tel' | 'text' | 'email';
  required?: boolean;
  min?: string;
  max?: string;
  maxLength?: number;
  autoFocus?: boolean;
}

export function Field(props: FieldProps) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  return (
    <div className={`field${props.error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        required={props.required}
        min={props.min}
        max={props.max}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
      />
      {props.error && (
        <p className="error" id={errorId} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function Message({ kind, children }: { kind: 'error' | 'info' | 'success'; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className={`message message--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** An error as the customer should read it: the network, or the API's own words. */
export function useErrorText() {
  const { t } = useI18n();
  return (err: unknown): string => {
    if (err instanceof ApiError) {
      if (err.offline) return t('networkError');
      if (err.status === 429) return t('tooMany');
      return err.message;
    }
    return t('somethingWrong');
  };
}

/** Loads data for a page; `reload` runs it again. Errors are kept, not thrown: the page shows them. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/** Shows loading, then the error, then the page. */
export function Loaded<T>({
  state,
  children,
}: {
  state: { data?: T; error?: unknown; loading: boolean };
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  if (state.error) return <Message kind="error">{errorText(state.error)}</Message>;
  if (state.data === undefined) return <p aria-live="polite">{t('loading')}</p>;
  return <>{children(state.data)}</>;
}

/** The page's heading takes the focus on arrival, so keyboard and screen-reader users start there. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function formatDate(iso: string | null | undefined, lang: 'nb' | 'en', withTime = true): string {
  if (!iso) return '–';
  return new Intl.DateTimeFormat(lang === 'nb' ? 'nb-NO' : 'en-GB', {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
    timeZone: 'Europe/Oslo',
  }).format(new Date(iso));
}
