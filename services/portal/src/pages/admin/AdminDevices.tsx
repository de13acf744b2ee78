// «Enheter» (operators): machine credentials for cameras and handhelds. The secret is shown once, at
// creation and at rotation; a revoked device's tokens stop working at once.
import { useState, type FormEvent } from 'react';
import type { AppState } from '../../App.js';
import { del, get, post } from '../../api.js';
import { useI18n } from '../../i18n.js';
import type { City, CreatedDevice, Device, List, Location } from '../../types.js';
import { Field, Loaded, Message, formatDate, useLoad } from '../../ui.js';
import { AdminPageFrame, useProblemText } from './AdminShell.js';

export function AdminDevicesPage({ state }: { state: AppState }) {
  return (
    <AdminPageFrame state={state} page="devices">
      {() => <Devices />}
    </AdminPageFrame>
  );
}

/** Every zone of the operator, named with its car park. */
export async function loadZoneNames(): Promise<{ id: string; label: string }[]> {
  const cities = await get<List<City>>('/v1/cities');
  const locations = await Promise.all(
    cities.items.map((c) => get<List<Location>>(`/v1/cities/${c.id}/locations`)),
  );
  return locations.flatMap((l) =>
    l.items.flatMap((loc) => loc.zones.map((z) => ({ id: z.id, label: `${loc.name} – ${z.name}` }))),
  );
}

function Devices() {
  const { t, lang } = useI18n();
  const problemText = useProblemText();
  const devices = useLoad(() => get<List<Device>>('/v1/admin/devices'), []);
  const zones = useLoad(loadZoneNames, []);
  const [name, setName] = useState('');
  const [zoneIds, setZoneIds] = useState<string[]>([]);
  const [secret, setSecret] = useState<CreatedDevice | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setSecret(null);
    try {
      setSecret(
        await post<CreatedDevice>('/v1/admin/devices', { name, ...(zoneIds.length ? { zoneIds } : {}) }),
      );
      setName('');
      setZoneIds([]);
      devices.reload();
    } catch (err) {
      setError(problemText(err));
    }
  }
  async function act(run: () => Promise<unknown>) {
    setError(null);
    try {
      await run();
      setAsking(null);
      devices.reload();
    } catch (err) {
      setError(problemText(err));
    }
  }
  const zoneLabel = (id: string) => zones.data?.find((z) => z.id === id)?.label ?? id;

  return (
    <>
      {secret && (
        <div className="message message--success secret" role="status">
          <p>{t('secretOnce')}</p>
          <dl className="summary compact">
            <div>
              <dt>{t('clientId')}</dt>
              <dd>
                <code>{secret.clientId}</code>
              </dd>
            </div>
            <div>
              <dt>{t('clientSecret')}</dt>
              <dd>
                <code data-testid="client-secret">{secret.clientSecret}</code>
              </dd>
            </div>
          </dl>
        </div>
      )}
      <Message kind="error">{error}</Message>
      <Loaded state={devices}>
        {(list) => (
          <div className="table-wrap">
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('deviceName')}</th>
                  <th scope="col">{t('clientId')}</th>
                  <th scope="col">{t('zones')}</th>
                  <th scope="col">{t('createdAt')}</th>
                  <th scope="col">{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((d) => (
                  <tr key={d.id}>
                    <td>{d.name}</td>
                    <td>
                      <code>{d.clientId}</code>
                    </td>
                    <td>{d.zoneIds?.length ? d.zoneIds.map(zoneLabel).join(', ') : '–'}</td>
                    <td>{formatDate(d.createdAt, lang)}</td>
                    <td>
                      {d.revoked ? (
                        t('revoked')
                      ) : asking === d.id ? (
                        <button
                          type="button"
                          className="button--danger small"
                          onClick={() => act(() => del(`/v1/admin/devices/${d.id}`))}
                        >
                          {t('confirmRevoke', { name: d.name })}
                        </button>
                      ) : (
                        <>
                          <button
                            type="button"
                            className="button--secondary small"
                            aria-label={`${t('rotate')}: ${d.name}`}
                            onClick={() =>
                              act(async () =>
                                setSecret(
                                  await post<CreatedDevice>(`/v1/admin/devices/${d.id}/rotate-secret`),
                                ),
                              )
                            }
                          >
                            {t('rotate')}
                          </button>{' '}
                          <button
                            type="button"
                            className="button--secondary small"
                            aria-label={`${t('revoke')}: ${d.name}`}
                            onClick={() => setAsking(d.id)}
                          >
                            {t('revoke')}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
      <h2>{t('newDevice')}</h2>
      <form onSubmit={create} noValidate className="admin-form">
        <Field label={t('deviceName')} value={name} onChange={setName} maxLength={100} />
        <fieldset className="field">
          <legend>{t('deviceZones')}</legend>
          {(zones.data ?? []).map((z) => (
            <label key={z.id} className="radio">
              <input
                type="checkbox"
                checked={zoneIds.includes(z.id)}
                onChange={(e) =>
                  setZoneIds(e.target.checked ? [...zoneIds, z.id] : zoneIds.filter((x) => x !== z.id))
                }
              />{' '}
              {z.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={!name.trim()}>
          {t('create')}
        </button>
      </form>
    </>
  );
}
