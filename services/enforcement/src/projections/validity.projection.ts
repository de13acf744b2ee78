// Keeps the validity read model and the in-memory index current from the agreement and catalogue
// integration events. The table survives restarts; the index is rebuilt from it at start.
import type { AgreementChanged } from '@parking/contracts/agreement';
import type { LocationPublished } from '@parking/contracts/catalogue';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import type { PlateIndex } from './plate-index.js';

export function agreementValidityHandler(index: PlateIndex) {
  return async (event: ConsumedEvent, tx: pg.PoolClient): Promise<void> => {
    const { snapshot } = event.data as AgreementChanged;
    if (!snapshot) return;
    const r = await tx.query(
      `insert into agreement_validity (operator_id, agreement_id, status, vehicles, zone_ids, valid_from, valid_to, stream_version)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (agreement_id) do update set status = excluded.status, vehicles = excluded.vehicles,
         zone_ids = excluded.zone_ids, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
         stream_version = excluded.stream_version
       where agreement_validity.stream_version < excluded.stream_version`,
      [
        event.operatorId,
        snapshot.agreementId,
        snapshot.status,
        JSON.stringify(snapshot.vehicles),
        snapshot.zoneIds,
        snapshot.validFrom,
        snapshot.validTo,
        event.streamVersion,
      ],
    );
    if (!r.rowCount) return;
    // A rollback after this point redelivers the event, which applies the same snapshot again.
    index.upsert({
      operatorId: event.operatorId,
      agreementId: snapshot.agreementId,
      status: snapshot.status,
      vehicles: snapshot.vehicles,
      zoneIds: snapshot.zoneIds,
      validFrom: Date.parse(snapshot.validFrom),
      validTo: Date.parse(snapshot.validTo),
      version: event.streamVersion,
    });
  };
}

export function zonesHandler(index: PlateIndex) {
  return async (event: ConsumedEvent, tx: pg.PoolClient): Promise<void> => {
    const { location } = event.data as LocationPublished;
    for (const zone of location.zones) {
      await tx.query(
        `insert into zones (operator_id, zone_id, location_id, name) values ($1, $2, $3, $4)
         on conflict (zone_id) do update set name = excluded.name`,
        [event.operatorId, zone.id, location.id, zone.name],
      );
      index.addZone(event.operatorId, zone.id);
    }
  };
}

/** Builds the index from the read model (at start, before the consumers run). */
export async function loadIndex(pool: pg.Pool, index: PlateIndex): Promise<void> {
  const zones = await pool.query('select operator_id, zone_id from zones');
  for (const z of zones.rows) index.addZone(z.operator_id, z.zone_id);
  const { rows } = await pool.query('select * from agreement_validity');
  for (const r of rows) {
    index.upsert({
      operatorId: r.operator_id,
      agreementId: r.agreement_id,
      status: r.status,
      vehicles: r.vehicles,
      zoneIds: r.zone_ids,
      validFrom: r.valid_from.getTime(),
      validTo: r.valid_to.getTime(),
      version: r.stream_version,
    });
  }
}
