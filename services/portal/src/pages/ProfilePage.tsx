// «Profil»: user information, password, and «Mine data»: export everything, or delete me.
import { useState } from 'react';
import type { AppState } from '../App.js';
import { call, setSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { navigate } from '../router.js';
import { Message, PageTitle, useErrorText } from '../ui.js';
import { PasswordForm, ProfileForm } from './WelcomePages.js';

export function ProfilePage({ state }: { state: AppState }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [saved, setSaved] = useState<string | null>(null);
  const [passwordSaved, setPasswordSaved] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function exportData() {
    setError(null);
    try {
      const data = await call('GET', '/v1/me/export');
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = `mine-data-${new Date().toISOString().slice(0, 10)}.json`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function deleteMe() {
    setBusy(true);
    setError(null);
    try {
      await call('DELETE', '/v1/me');
      setSession(null);
      sessionStorage.setItem('portal.deleted', '1');
      navigate('/login');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  if (!state.me) return <p>{t('loading')}</p>;
  return (
    <>
      <PageTitle>{t('profile')}</PageTitle>
      <p>
        {t('phone')}: {state.me.phone}
      </p>
      <h2>{t('userInfo')}</h2>
      <ProfileForm state={state} submitLabel={t('save')} onDone={() => setSaved(t('profileSaved'))} />
      <Message kind="success">{saved}</Message>
      <h2>{t('changePassword')}</h2>
      <PasswordForm submitLabel={t('save')} onDone={() => setPasswordSaved(t('passwordSaved'))} />
      <Message kind="success">{passwordSaved}</Message>
      <section aria-labelledby="my-data">
        <h2 id="my-data">{t('myData')}</h2>
        <p>{t('exportExplain')}</p>
        <button type="button" className="button--secondary" onClick={exportData}>
          {t('exportData')}
        </button>
        <p>{t('deleteExplain')}</p>
        {asking ? (
          <div className="confirm-box">
            <button type="button" className="button--danger" onClick={deleteMe} disabled={busy}>
              {t('confirmDelete')}
            </button>{' '}
            <button type="button" className="button--secondary" onClick={() => setAsking(false)}>
              {t('cancelAction')}
            </button>
          </div>
        ) : (
          <button type="button" className="button--danger" onClick={() => setAsking(true)}>
            {t('deleteData')}
          </button>
        )}
        <Message kind="error">{error}</Message>
      </section>
    </>
  );
}
