// Lets a purchase wait (briefly) for its agreement to leave `pending_payment`. The projection calls
// `updated` for every agreement it writes; and since with several replicas only one holds the
// projection at a time, a waiter also re-reads the read model every `pollMs`.
import type { Agreement } from '@parking/contracts/agreement';

export class AgreementWaiters {
  private readonly waiting = new Map<string, Set<(view: Agreement) => void>>();

  constructor(
    private readonly read: (agreementId: string) => Promise<Agreement | null> = async () => null,
    private readonly pollMs = 100,
  ) {}

  /** Resolves with the agreement once its status is not `pending_payment`, or null after `ms`. */
  waitForSettled(agreementId: string, ms: number): Promise<Agreement | null> {
    if (ms <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const set = this.waiting.get(agreementId) ?? new Set();
      this.waiting.set(agreementId, set);
      let settled = false;
      const done = (view: Agreement | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        set.delete(listener);
        if (set.size === 0) this.waiting.delete(agreementId);
        resolve(view);
      };
      const listener = (view: Agreement) => done(view);
      const timer = setTimeout(() => done(null), ms);
      const poll = setInterval(() => {
        this.read(agreementId)
          .then((view) => {
            if (view && view.status !== 'pending_payment') done(view);
          })
          .catch(() => {});
      }, this.pollMs);
      set.add(listener);
    });
  }

  updated(view: Agreement): void {
    if (view.status === 'pending_payment') return;
    for (const listener of [...(this.waiting.get(view.id) ?? [])]) listener(view);
  }
}
