// The console's frame: who may open which page (the gateway refuses the rest anyway: a refused role
// sees a refusal here and no data is asked for), and the console's own menu of the pages a role has.
import { useEffect, type ReactNode } from 'react';
import type { AppState } from '../../App.js';
import { ApiError } from '../../api.js';
import { useI18n } from '../../i18n.js';
import { ADMIN_PAGES, adminPagesFor, type AdminPage } from '../../logic/admin.js';
import { navigate } from '../../router.js';
import { Message, PageTitle } from '../../ui.js';

export function AdminNav({ roles, current }: { roles: string[]; current: AdminPage }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t('admin')} className="admin-nav">
      <ul>
        {adminPagesFor(roles).map((page) => (
          <li key={page}>
            <a href={`#/admin/${page}`} aria-current={page === current ? 'page' : undefined}>
              {t(`admin_${page}`)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A console page for `page`'s roles. Until /v1/me has answered nothing is shown; a role without the
 * page sees the refusal, never the page (so none of its data is fetched).
 */
export function AdminPageFrame({
  state,
  page,
  children,
}: {
  state: AppState;
  page: AdminPage;
  children: (roles: string[]) => ReactNode;
}) {
  const { t } = useI18n();
  if (!state.me) return <p aria-live="polite">{t('loading')}</p>;
  const roles = state.me.roles;
  const allowed = ADMIN_PAGES.find((p) => p.page === page)!.roles.some((r) => roles.includes(r));
  if (!allowed) {
    const staff = adminPagesFor(roles).length > 0;
    return (
      <>
        <PageTitle>{t(`admin_${page}`)}</PageTitle>
        {staff && <AdminNav roles={roles} current={page} />}
        <Message kind="error">{staff ? t('operatorOnly') : t('staffOnly')}</Message>
      </>
    );
  }
  return (
    <>
      <PageTitle>{t(`admin_${page}`)}</PageTitle>
      <AdminNav roles={roles} current={page} />
      {children(roles)}
    </>
  );
}

/** `#/admin`: the first page the role has (operators: «Avtaler»; officers: «Kontrollsanksjoner»). */
export function AdminHome({ state }: { state: AppState }) {
  const { t } = useI18n();
  const first = state.me ? adminPagesFor(state.me.roles)[0] : undefined;
  useEffect(() => {
    if (first) navigate(`/admin/${first}`);
  }, [first]);
  if (!state.me) return <p aria-live="polite">{t('loading')}</p>;
  if (first) return null;
  return (
    <>
      <PageTitle>{t('admin')}</PageTitle>
      <Message kind="error">{t('staffOnly')}</Message>
    </>
  );
}

/** An API error as the console shows it: the problem's words and each field it names. */
export function useProblemText() {
  const { t } = useI18n();
  return (err: unknown): string => {
    if (err instanceof ApiError) {
      if (err.offline) return t('networkError');
      const fields = (err.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`);
      return [err.message, ...fields].join(' – ');
    }
    return t('somethingWrong');
  };
}
