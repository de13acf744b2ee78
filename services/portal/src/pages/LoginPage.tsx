// «Logg inn»: phone and password, or «Ny bruker?» / a one-time code by SMS.
import { useState, type FormEvent } from 'react';
import { ApiError, call, setSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { afterSignIn } from '../routes.js';
import { Field, Message, PageTitle, useErrorText } from '../ui.js';

export function LoginPage() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleted] = useState(() => {
    const was = sessionStorage.getItem('portal.deleted');
    sessionStorage.removeItem('portal.deleted');
    return was ? t('deleted') : null;
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await call('POST', '/v1/auth/login', {
        body: { phone: phone.trim(), password },
        auth: false,
      });
      setSession({ accessToken: res.accessToken, refreshToken: res.refreshToken });
      afterSignIn();
    } catch (err) {
      setError(
        err instanceof ApiError && (err.status === 401 || err.status === 400)
          ? t('loginFailed')
          : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Message kind="success">{deleted}</Message>
      <PageTitle>{t('login')}</PageTitle>
      <p>
        <a className="button button--secondary" href="#/sms">
          {t('newUser')}
        </a>
      </p>
      <form onSubmit={submit} noValidate>
        <Field
          label={t('phone')}
          hint={t('phoneHint')}
          type="tel"
          autoComplete="tel"
          value={phone}
          onChange={setPhone}
        />
        <Field
          label={t('password')}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <Message kind="error">{error}</Message>
        <button type="submit" disabled={busy}>
          {t('login')}
        </button>
      </form>
      <p>
        <a href="#/sms">{t('loginWithSms')}</a>
      </p>
    </>
  );
}
