// A new person's first steps after «Valider kode», in the guide's order: «Tast inn passord», «Legg inn
// betalingskort» (then «Fortsett»), the user information (then «Fortsett» again) — and Home.
import { useState, type FormEvent } from 'react';
import type { AppState } from '../App.js';
import { ApiError, get, put } from '../api.js';
import { CardForm, CardLabel } from '../CardForm.js';
import { useI18n } from '../i18n.js';
import { afterSignIn } from '../routes.js';
import { navigate } from '../router.js';
import type { List, PaymentMethod } from '../types.js';
import { Field, Message, PageTitle, useErrorText, useLoad, Loaded } from '../ui.js';

export function PasswordForm({ onDone, submitLabel }: { onDone: () => void; submitLabel: string }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (password.length < 10) return setError(t('passwordTooShort'));
    setBusy(true);
    try {
      await put('/v1/me/password', { password });
      setPassword('');
      onDone();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 400 ? t('passwordTooShort') : errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Field
        label={t('password')}
        hint={t('passwordHint')}
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={setPassword}
        error={error}
      />
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

export function WelcomePassword() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('setPassword')}</PageTitle>
      <PasswordForm submitLabel={t('save')} onDone={() => navigate('/welcome/card')} />
      <p>
        <a href="#/welcome/card">{t('skip')}</a>
      </p>
    </>
  );
}

export function WelcomeCard() {
  const { t } = useI18n();
  const cards = useLoad(() => get<List<PaymentMethod>>('/v1/payment-methods'), []);
  return (
    <>
      <PageTitle>{t('addCard')}</PageTitle>
      <Loaded state={cards}>
        {(list) => (
          <>
            {list.items.some((c) => c.status === 'active') && (
              <ul className="plain">
                {list.items.map((c) => (
                  <li key={c.id}>
                    <CardLabel card={c} />
                  </li>
                ))}
              </ul>
            )}
            <CardForm onSaved={() => cards.reload()} />
          </>
        )}
      </Loaded>
      <p>
        <button type="button" className="button--secondary" onClick={() => navigate('/welcome/profile')}>
          {t('continue')}
        </button>
      </p>
    </>
  );
}

export function ProfileForm({
  state,
  onDone,
  submitLabel,
}: {
  state: AppState;
  onDone: () => void;
  submitLabel: string;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const me = state.me;
  const [name, setName] = useState(me?.name ?? '');
  const [email, setEmail] = useState(me?.email ?? '');
  const [address, setAddress] = useState(me?.address ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const missing: Record<string, string> = {};
    if (!name.trim()) missing.name = t('required');
    if (!email.trim()) missing.email = t('required');
    setErrors(missing);
    setGeneral(null);
    if (Object.keys(missing).length) return;
    setBusy(true);
    try {
      await put('/v1/me', {
        name: name.trim(),
        email: email.trim(),
        ...(address.trim() ? { address: address.trim() } : {}),
      });
      await state.refreshMe();
      onDone();
    } catch (err) {
      const fields: Record<string, string> = {};
      if (err instanceof ApiError) for (const x of err.problem.errors ?? []) fields[x.path] = x.message;
      setErrors(fields);
      if (!Object.keys(fields).length) setGeneral(errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Field label={t('name')} autoComplete="name" value={name} onChange={setName} error={errors.name} />
      <Field
        label={t('email')}
        type="email"
        autoComplete="email"
        value={email}
        onChange={setEmail}
        error={errors.email}
      />
      <Field
        label={t('address')}
        autoComplete="street-address"
        value={address}
        onChange={setAddress}
        error={errors.address}
      />
      <Message kind="error">{general}</Message>
      <button type="submit" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

export function WelcomeProfile({ state }: { state: AppState }) {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('userInfo')}</PageTitle>
      <ProfileForm state={state} submitLabel={t('continue')} onDone={afterSignIn} />
    </>
  );
}
