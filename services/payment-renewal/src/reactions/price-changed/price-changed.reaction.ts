// A product's price changed (ProductPriceChanged): every customer whose agreement will renew at the new
// price — auto-renewing, still renewing, started before the new price takes effect — is texted the new
// price and the date it applies from (`effectiveFrom`), in the location's calendar. Written in the
// event's transaction, once per agreement and change.
import type { ProductPriceChanged } from '@parking/contracts/catalogue';
import type { ConsumedEvent } from '@parking/messaging';
import type pg from 'pg';
import { localDay } from '../../domain/dates.js';
import { formatNok } from '../../domain/renewal-schedule.js';
import { enqueueNotifications } from '../../notifications/notifications.js';

export async function priceChangedReaction(event: ConsumedEvent, tx: pg.PoolClient): Promise<void> {
  const d = event.data as ProductPriceChanged;
  const effectiveFrom = new Date(d.change.effectiveFrom);
  const { rows } = await tx.query(
    `select agreement_id, user_id, product_name, time_zone from renewals
     where operator_id = $1 and product_id = $2 and auto_renew and status in ('active', 'past_due')
       and period_number is not null and valid_from < $3`,
    [event.operatorId, d.product.id, effectiveFrom],
  );
  await enqueueNotifications(
    tx,
    rows.map((r) => ({
      key: `price-change:${r.agreement_id}:${d.change.effectiveFrom}`,
      operatorId: event.operatorId,
      userId: r.user_id,
      template: 'price_change',
      params: {
        product: r.product_name ?? d.product.name,
        amount: formatNok(d.change.price.amount),
        from: localDay(effectiveFrom, r.time_zone ?? d.timeZone ?? 'Europe/Oslo'),
      },
    })),
  );
}
