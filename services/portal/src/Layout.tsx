// The frame of every page: the operator's brand, the language switch, the menu (on the right on wide
// screens, as in the guide) and a clear message while offline.
import { useEffect, useState, type ReactNode } from 'react';
import type { AppState } from './App.js';
import { logout } from './api.js';
import { useI18n, type MessageKey } from './i18n.js';
import { SupportContacts } from './ImportantInfo.js';
import { isStaff } from './logic/admin.js';
import { navigate } from './router.js';

function useOnline() {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

export function Layout({ state, path, children }: { state: AppState; path: string; children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const online = useOnline();
  const signedIn = !!state.me;
  const links: [string, MessageKey][] = signedIn
    ? [
        ['/', 'home'],
        ['/new', 'newAgreement'],
        ['/receipts', 'receipts'],
        ['/cards', 'cards'],
        ['/profile', 'profile'],
      ]
    : [
        ['/new', 'newAgreement'],
        ['/login', 'login'],
      ];
  if (state.me?.roles.includes('officer')) links.push(['/control', 'control']);
  if (state.me && isStaff(state.me.roles)) links.push(['/admin', 'adminMenu']);
  const current = (href: string) => (href === '/' ? path === '/' : path.startsWith(href));

  return (
    <div className="shell">
      <a
        className="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        {t('skipToContent')}
      </a>
      <header className="top">
        <a className="brand" href="#/">
          <img src="/icons/icon.svg" alt="" width="32" height="32" />
          <span>{state.operator.name}</span>
        </a>
        <button type="button" className="link-button" onClick={() => setLang(lang === 'nb' ? 'en' : 'nb')}>
          <span lang={lang === 'nb' ? 'en' : 'nb'}>{t('language')}</span>
          <span className="visually-hidden"> ({t('languageLabel')})</span>
        </button>
      </header>
      {!online && (
        <div className="offline" role="status">
          {t('offline')}
        </div>
      )}
      <div className="columns">
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <nav aria-label={t('menu')} className="menu">
          <ul>
            {links.map(([href, key]) => (
              <li key={href}>
                <a href={`#${href}`} aria-current={current(href) ? 'page' : undefined}>
                  {t(key)}
                </a>
              </li>
            ))}
            {signedIn && (
              <li>
                <button
                  type="button"
                  className="link-button"
                  onClick={async () => {
                    await logout();
                    navigate('/login');
                  }}
                >
                  {t('logout')}
                </button>
              </li>
            )}
          </ul>
        </nav>
      </div>
      <footer className="foot">
        {state.operator.name} · {t('orgNo')} {state.operator.organisationNumber} · {state.operator.address}
        {(state.operator.supportPhone || state.operator.supportEmail) && (
          <>
            <br />
            <SupportContacts operator={state.operator} />
          </>
        )}
      </footer>
    </div>
  );
}
