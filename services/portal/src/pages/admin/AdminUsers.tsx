// «Brukere og roller» (operators): find a person by mobile number and set their roles here (customer is
// always kept); and the operator's customer-service contacts, shown in the footer and in texts.
import { useState, type FormEvent } from 'react';
import type { AppState } from '../../App.js';
import { call, get, put } from '../../api.js';
import { useI18n } from '../../i18n.js';
import type { AdminUser, List, Operator } from '../../types.js';
import { Field, Message } from '../../ui.js';
import { AdminPageFrame, useProblemText } from './AdminShell.js';

export function AdminUsersPage({ state }: { state: AppState }) {
  return (
    <AdminPageFrame state={state} page="users">
      {() => (
        <>
          <Users />
          <SupportContacts operator={state.operator} />
        </>
      )}
    </AdminPageFrame>
  );
}

const GRANTABLE = ['operator', 'officer'] as const;

function Users() {
  const { t } = useI18n();
  const problemText = useProblemText();
  const [phone, setPhone] = useState('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function find(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const q = phone.trim() ? `?phone=${encodeURIComponent(phone.trim())}` : '';
      setUsers((await get<List<AdminUser>>(`/v1/admin/users${q}`)).items);
    } catch (err) {
      setError(problemText(err));
    }
  }
  return (
    <section aria-labelledby="users-h">
      <h2 id="users-h">{t('findUser')}</h2>
      <form onSubmit={find} noValidate className="admin-form inline-fields">
        <Field label={t('phone')} value={phone} onChange={setPhone} type="tel" inputMode="tel" />
        <button type="submit">{t('search')}</button>
      </form>
      <Message kind="error">{error}</Message>
      {users &&
        (users.length ? (
          users.map((u) => <UserRoles key={u.id} user={u} />)
        ) : (
          <p role="status">{t('noneFound')}</p>
        ))}
    </section>
  );
}

function UserRoles({ user }: { user: AdminUser }) {
  const { t } = useI18n();
  const problemText = useProblemText();
  const [roles, setRoles] = useState(user.roles.filter((r) => r !== 'customer'));
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      await put(`/v1/admin/users/${user.id}/roles`, { roles: ['customer', ...roles] });
      setDone(t('rolesSaved'));
    } catch (err) {
      setError(problemText(err));
    }
  }
  return (
    <form onSubmit={save} noValidate className="admin-card">
      <fieldset className="field">
        <legend>
          {user.phone}
          {user.name ? ` – ${user.name}` : ''}: {t('roles')}
        </legend>
        <label className="radio">
          <input type="checkbox" checked disabled /> {t('role_customer')}
        </label>
        {GRANTABLE.map((r) => (
          <label key={r} className="radio">
            <input
              type="checkbox"
              checked={roles.includes(r)}
              onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            />{' '}
            {t(`role_${r}`)}
          </label>
        ))}
      </fieldset>
      <button type="submit">{t('saveRoles')}</button>
      <Message kind="success">{done}</Message>
      <Message kind="error">{error}</Message>
    </form>
  );
}

function SupportContacts({ operator }: { operator: Operator }) {
  const { t } = useI18n();
  const problemText = useProblemText();
  const [phone, setPhone] = useState(operator.supportPhone ?? '');
  const [email, setEmail] = useState(operator.supportEmail ?? '');
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      await call('PATCH', '/v1/admin/operator', {
        body: { supportPhone: phone.trim() || null, supportEmail: email.trim() || null },
      });
      setDone(t('saved'));
    } catch (err) {
      setError(problemText(err));
    }
  }
  return (
    <section aria-labelledby="support-h">
      <h2 id="support-h">{t('supportContacts')}</h2>
      <p className="hint">{t('supportHint')}</p>
      <form onSubmit={save} noValidate className="admin-form">
        <Field label={t('supportPhone')} value={phone} onChange={setPhone} type="tel" inputMode="tel" />
        <Field label={t('supportEmail')} value={email} onChange={setEmail} type="email" inputMode="email" />
        <button type="submit">{t('save')}</button>
        <Message kind="success">{done}</Message>
        <Message kind="error">{error}</Message>
      </form>
    </section>
  );
}
