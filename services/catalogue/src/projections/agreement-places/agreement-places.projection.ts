// Which agreements hold a place on which product, from the agreement service's integration events, so
// that a product with a capacity shows `soldOut`. `AgreementRequested` names the product; every event
// carries the agreement's status. Version-aware: a late copy of an older event changes no status.
import type { AgreementRequested, ValiditySnapshot } from '@parking/contracts/agreement';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import { isUuid } from '../catalogue.queries.js';

export async function applyAgreementEvent(event: ConsumedEvent, tx: pg.PoolClient): Promise<void> {
  const data = event.data as Partial<AgreementRequested> & { snapshot?: ValiditySnapshot };
  const snapshot = data?.snapshot;
  if (!snapshot || !isUuid(snapshot.agreementId)) return;
  const productId = data.productId && isUuid(data.productId) ? data.productId : null;
  await tx.query(
    `insert into agreement_places (agreement_id, operator_id, product_id, status, stream_version)
     values ($1, $2, $3, $4, $5)
     on conflict (agreement_id) do update set
       product_id = coalesce(agreement_places.product_id, excluded.product_id),
       status = case when excluded.stream_version > agreement_places.stream_version
                     then excluded.status else agreement_places.status end,
       stream_version = greatest(agreement_places.stream_version, excluded.stream_version)`,
    [snapshot.agreementId, event.operatorId, productId, snapshot.status, event.streamVersion],
  );
}
