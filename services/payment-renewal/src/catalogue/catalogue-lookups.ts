// What a renewal run asks the catalogue: the price a renewal charge made at `asOf` uses, and whether
// an employee is still on the product's staff list. Answers are kept for the run (one question per
// product or employee, however many agreements share it).
import { isAppError, type RequestContext } from '@parking/contracts';
import { CATALOGUE_SUBJECTS, type PriceAt } from '@parking/contracts/catalogue';
import type { Logger } from '@parking/platform';
import type { RpcClient } from '@parking/messaging';
import type { ScheduledPrice } from '../domain/renewal-schedule.js';

const noResponders = (err: unknown) =>
  isAppError(err) && err.code === 'UNAVAILABLE' && /no service answers/.test(err.message);

export class CatalogueLookups {
  private readonly prices = new Map<string, Promise<ScheduledPrice | null>>();
  private readonly staff = new Map<string, Promise<boolean>>();
  private warnedNoPrices = false;

  constructor(
    private readonly rpc: RpcClient,
    private readonly ctx: RequestContext,
    private readonly asOf: Date,
    private readonly logger: Logger,
  ) {}

  /**
   * The product's price for renewals at `asOf`, or null when the catalogue has no price schedule to
   * offer (no service answers the subject, or the product is gone): the purchase price is charged then.
   * Any other failure throws, and the renewal waits for the next run.
   */
  priceInForce(productId: string): Promise<ScheduledPrice | null> {
    let answer = this.prices.get(productId);
    if (!answer) {
      answer = this.rpc
        .request<PriceAt>(CATALOGUE_SUBJECTS.priceAt, { productId, at: this.asOf.toISOString() }, this.ctx)
        .then(
          (p) => ({ price: p.price, effectiveFrom: new Date(p.effectiveFrom) }),
          (err) => {
            if (noResponders(err)) {
              if (!this.warnedNoPrices)
                this.logger.warn(
                  'the catalogue answers no price-at: renewals are charged at the purchase price',
                );
              this.warnedNoPrices = true;
              return null;
            }
            if (isAppError(err) && err.code === 'NOT_FOUND') return null;
            this.prices.delete(productId);
            throw err;
          },
        );
      this.prices.set(productId, answer);
    }
    return answer;
  }

  /** Whether the employee is still on the product's staff list (a product without a list lets all renew). */
  stillEmployed(productId: string, employeeNumber: string): Promise<boolean> {
    const key = `${productId}\n${employeeNumber}`;
    let answer = this.staff.get(key);
    if (!answer) {
      answer = this.rpc
        .request<{ contained: boolean }>(
          CATALOGUE_SUBJECTS.staffContains,
          { productId, employeeNumber },
          this.ctx,
        )
        .then((r) => r.contained);
      answer.catch(() => this.staff.delete(key));
      this.staff.set(key, answer);
    }
    return answer;
  }
}
