// Sign-up and login are one step (PRODUCT.md): «Send SMS», then the code and «Valider kode». A new
// person (no complete profile yet) goes on to the password, the card and the profile.
import { useState, type FormEvent } from 'react';
import { ApiError, call, setSession } from '../api.js';
import { useI18n } from '../i18n.js';
import { afterSignIn } from '../routes.js';
import { navigate } from '../router.js';
import { Field, Message, PageTitle, useErrorText } from '../ui.js';

export function SmsPage() {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [phone, setPhone] = useState('');
  const [challengeId, setChallengeId] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [phoneError, setPhoneError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function sendSms(e?: FormEvent) {
    e?.preventDefault();
    setPhoneError(null);
    setCodeError(null);
    if (!phone.trim()) return setPhoneError(t('required'));
    setBusy(true);
    try {
      const res = await call('POST', '/v1/auth/otp', { body: { phone: phone.trim() }, auth: false });
      setChallengeId(res.challengeId);
      setCode('');
    } catch (err) {
      const field = err instanceof ApiError ? err.problem.errors?.find((x) => x.path === 'phone') : undefined;
      setPhoneError(field?.message ?? errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function verify(e: FormEvent) {
    e.preventDefault();
    setCodeError(null);
    if (!code.trim()) return setCodeError(t('required'));
    setBusy(true);
    try {
      const res = await call('POST', '/v1/auth/otp/verify', {
        body: { challengeId, code: code.trim() },
        auth: false,
      });
      setSession({ accessToken: res.accessToken, refreshToken: res.refreshToken });
      if (res.user.profileComplete) afterSignIn();
      else navigate('/welcome/password');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setCodeError(t('wrongCode'));
      else if (err instanceof ApiError && (err.status === 410 || err.status === 404))
        setCodeError(t('codeExpired'));
      else setCodeError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageTitle>{t('smsTitle')}</PageTitle>
      <form onSubmit={sendSms} noValidate>
        <Field
          label={t('phone')}
          hint={t('phoneHint')}
          type="tel"
          autoComplete="tel"
          value={phone}
          onChange={setPhone}
          error={phoneError}
        />
        <button type="submit" disabled={busy} className={challengeId ? 'button--secondary' : undefined}>
          {challengeId ? t('newCode') : t('sendSms')}
        </button>
      </form>
      {challengeId && (
        <form onSubmit={verify} noValidate>
          <Message kind="info">{t('smsSent')}</Message>
          <Field
            label={t('otp')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onChange={setCode}
            error={codeError}
            autoFocus
          />
          <button type="submit" disabled={busy}>
            {t('validateCode')}
          </button>
        </form>
      )}
    </>
  );
}
