// The portal's shell: finds the operator (brand and seller), keeps the session and the language, and
// shows the page the hash names inside the layout. Nothing here may leave a blank page: boot errors and
// render errors are shown with a way out.
import {
  Component,
  useCallback,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { ApiError, get, getSession, logout, onSessionChange, setOperator } from './api.js';
import { I18nContext, translate, type I18n, type Lang } from './i18n.js';
import { operatorFromQuery } from './logic/operator.js';
import { Layout } from './Layout.js';
import { navigate, usePath } from './router.js';
import { routeTo } from './routes.js';
import type { Me, Operator } from './types.js';
import { Message } from './ui.js';

export interface AppState {
  operator: Operator;
  me: Me | null;
  /** Reads /v1/me again (after sign-in, a profile change). */
  refreshMe: () => Promise<Me | null>;
}

const LANG_KEY = 'portal.lang';

function initialLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'nb';
}

async function boot(): Promise<Operator> {
  const config = await fetch('/config.json')
    .then((r) => (r.ok ? r.json() : { devMode: false }))
    .catch(() => ({ devMode: false }));
  const asked =
    operatorFromQuery(location.search, config.devMode) ?? sessionStorage.getItem('portal.operator');
  if (asked) sessionStorage.setItem('portal.operator', asked);
  // Without a slug the gateway resolves the operator from the host name (the portal forwards Host).
  const res = await fetch('/v1/operator', { headers: asked ? { 'x-operator': asked } : {} });
  if (!res.ok) throw new ApiError({ status: res.status, ...(await res.json().catch(() => ({}))) });
  const operator: Operator = await res.json();
  localStorage.setItem('portal.lastOperator', JSON.stringify(operator));
  return operator;
}

/** The last operator seen, so the shell still shows its brand when it starts offline. */
function lastOperator(): Operator | null {
  try {
    return JSON.parse(localStorage.getItem('portal.lastOperator') ?? 'null');
  } catch {
    return null;
  }
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo<I18n>(
    () => ({
      lang,
      t: (key, params) => translate(lang, key, params),
      setLang: (next) => {
        localStorage.setItem(LANG_KEY, next);
        setLangState(next);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang === 'nb' ? 'nb' : 'en';
  }, [lang]);

  const [operator, setOperatorState] = useState<Operator | null>(null);
  const [bootError, setBootError] = useState<unknown>(null);
  const [me, setMe] = useState<Me | null>(null);
  const session = useSyncExternalStore(onSessionChange, getSession);

  useEffect(() => {
    boot().then(
      (op) => {
        setOperator(op.slug);
        setOperatorState(op);
      },
      (err) => {
        const last = lastOperator();
        if (err instanceof ApiError || !last) return setBootError(err);
        // Offline start: the cached shell with the last operator (the attendant's whitelist still works).
        setOperator(last.slug);
        setOperatorState(last);
      },
    );
  }, []);

  useEffect(() => {
    if (operator) document.title = `${operator.name} – ${translate(lang, 'appTitle')}`;
  }, [operator, lang]);

  const refreshMe = useCallback(async () => {
    if (!getSession()) {
      setMe(null);
      return null;
    }
    try {
      const next = await get<Me>('/v1/me');
      setMe(next);
      localStorage.setItem('portal.me', JSON.stringify(next));
      return next;
    } catch (err) {
      if (err instanceof ApiError && err.offline) {
        const cached = JSON.parse(localStorage.getItem('portal.me') ?? 'null') as Me | null;
        setMe(cached);
        return cached;
      }
      if (err instanceof ApiError && err.status === 401) await logout();
      setMe(null);
      return null;
    }
  }, []);

  useEffect(() => {
    if (operator) void refreshMe();
  }, [operator, session?.accessToken, refreshMe]);

  const path = usePath();

  let body: ReactNode;
  if (bootError) {
    body = (
      <main id="main" className="boot">
        <Message kind="error">
          {bootError instanceof ApiError && bootError.status === 404
            ? `${translate(lang, 'notFound')} (x-operator)`
            : translate(lang, 'networkError')}
        </Message>
        <p>
          <a href="/">{translate(lang, 'reload')}</a>
        </p>
      </main>
    );
  } else if (!operator) {
    body = (
      <main id="main" className="boot">
        <p aria-live="polite">{translate(lang, 'loading')}</p>
      </main>
    );
  } else {
    const state: AppState = { operator, me, refreshMe };
    body = (
      <Layout state={state} path={path}>
        <ErrorBoundary key={path} lang={lang}>
          {routeTo(path, state, !!session)}
        </ErrorBoundary>
      </Layout>
    );
  }
  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

class ErrorBoundary extends Component<{ children: ReactNode; lang: Lang }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Message kind="error">
        {translate(this.props.lang, 'somethingWrong')}{' '}
        <a href="#/" onClick={() => navigate('/')}>
          {translate(this.props.lang, 'home')}
        </a>
      </Message>
    );
  }
}
