// «Kontrollsanksjoner»: violations and sanctions of a period. Officers issue a sanction for an open
// violation (amount and due date come from the operator's settings, never from here); officers and
// operators cancel one with a reason.
import { useState, type FormEvent } from 'react';
import type { AppState } from '../../App.js';
import { get, post } from '../../api.js';
import { useI18n, type MessageKey } from '../../i18n.js';
import { canIssueSanction } from '../../logic/admin.js';
import { formatMoney } from '../../logic/money.js';
import type { List, Sanction, Violation } from '../../types.js';
import { Field, Loaded, Message, formatDate, useLoad } from '../../ui.js';
import { AdminPageFrame, useProblemText } from './AdminShell.js';
import { loadZoneNames } from './AdminDevices.js';

export function AdminSanctionsPage({ state }: { state: AppState }) {
  return (
    <AdminPageFrame state={state} page="sanctions">
      {(roles) => <Sanctions roles={roles} />}
    </AdminPageFrame>
  );
}

const daysAgo = (n: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(
    new Date(Date.now() - n * 24 * 3600 * 1000),
  );

function Sanctions({ roles }: { roles: string[] }) {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const officer = canIssueSanction(roles);
  const [since, setSince] = useState(() => daysAgo(7));
  const sinceIso = new Date(`${since}T00:00:00`).toISOString();
  const zones = useLoad(loadZoneNames, []);
  const data = useLoad(async () => {
    const q = `since=${encodeURIComponent(sinceIso)}`;
    const [violations, sanctions] = await Promise.all([
      get<List<Violation>>(`/v1/enforcement/violations?${q}`),
      get<List<Sanction>>(`/v1/enforcement/sanctions?${q}`),
    ]);
    return { violations: violations.items, sanctions: sanctions.items };
  }, [sinceIso]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const zoneLabel = (id: string) => zones.data?.find((z) => z.id === id)?.label ?? id;

  async function issue(v: Violation, e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const note = notes[v.id]?.trim();
      const s = await post<Sanction>(`/v1/enforcement/violations/${v.id}/sanction`, note ? { note } : {});
      setDone(t('sanctionIssued', { n: s.number }));
      data.reload();
    } catch (err) {
      setError(problemText(err));
    }
  }
  async function cancel(s: Sanction, e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    const reason = reasons[s.id]?.trim();
    if (!reason) return setError(`${t('cancelReason')}: ${t('required')}`);
    try {
      const c = await post<Sanction>(`/v1/enforcement/sanctions/${s.id}/cancel`, { reason });
      setDone(t('sanctionCancelled', { n: c.number }));
      data.reload();
    } catch (err) {
      setError(problemText(err));
    }
  }

  return (
    <>
      <div className="admin-form inline-fields">
        <Field label={t('since')} type="date" value={since} onChange={(v) => v && setSince(v)} />
      </div>
      <Message kind="success">{done}</Message>
      <Message kind="error">{error}</Message>
      <Loaded state={data}>
        {({ violations, sanctions }) => (
          <>
            <section aria-labelledby="violations-h">
              <h2 id="violations-h">{t('violations')}</h2>
              {violations.length ? (
                <ul className="plain admin-list">
                  {violations.map((v) => (
                    <li key={v.id} className="admin-card">
                      <p>
                        <span className="plate">{v.plate}</span> {zoneLabel(v.zone)} ·{' '}
                        {formatDate(v.at, lang)} · {t(`violation_${v.type}` as MessageKey)}
                        {v.otherPlates.length > 0 && ` (${v.otherPlates.join(', ')})`} ·{' '}
                        {t(`status_${v.status}`)}
                      </p>
                      {officer && v.status === 'open' && (
                        <form onSubmit={(e) => issue(v, e)} noValidate className="inline-form">
                          <Field
                            label={`${t('note')} – ${v.plate}`}
                            value={notes[v.id] ?? ''}
                            onChange={(x) => setNotes({ ...notes, [v.id]: x })}
                            maxLength={500}
                          />
                          <button type="submit">
                            {t('issueSanction')}
                            <span className="visually-hidden"> – {v.plate}</span>
                          </button>
                        </form>
                      )}
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t('noViolations')}</p>
              )}
            </section>
            <section aria-labelledby="sanctions-h">
              <h2 id="sanctions-h">{t('sanctions')}</h2>
              {sanctions.length ? (
                <ul className="plain admin-list">
                  {sanctions.map((s) => (
                    <li key={s.id} className="admin-card">
                      <p>
                        <strong>
                          {t('number')} {s.number}
                        </strong>{' '}
                        · <span className="plate">{s.plate}</span> {zoneLabel(s.zone)} ·{' '}
                        {formatMoney(s.amount, lang)} · {t('dueDate')} {formatDate(s.dueDate, lang, false)} ·{' '}
                        {t(`status_${s.status}`)}
                        {s.note ? ` · ${s.note}` : ''}
                      </p>
                      {s.status === 'issued' && (
                        <form onSubmit={(e) => cancel(s, e)} noValidate className="inline-form">
                          <Field
                            label={`${t('cancelReason')} – ${t('number')} ${s.number}`}
                            value={reasons[s.id] ?? ''}
                            onChange={(x) => setReasons({ ...reasons, [s.id]: x })}
                            maxLength={500}
                          />
                          <button type="submit" className="button--danger">
                            {t('cancelSanction')}
                            <span className="visually-hidden">
                              {' '}
                              – {t('number')} {s.number}
                            </span>
                          </button>
                        </form>
                      )}
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{t('noSanctions')}</p>
              )}
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}
