// The PSP port as the service uses it: each operator's cards are added with the adapter its
// `psp.provider` names (`sandbox` or `stripe`; unknown: the PSP_PROVIDER default), and every later
// call goes to the adapter whose references it carries (`stripe:…`, else the sandbox's), so a card
// stays with the processor that stored it even if the operator moves to another.
import { AppError } from '@parking/contracts';
import type { ChargeResult, PspPort } from './psp.port.js';
import type { StripePsp } from './stripe-psp.js';
import { STRIPE_REF } from './stripe-refs.js';

export type PspProvider = 'sandbox' | 'stripe';

export class PspRouter implements PspPort {
  constructor(
    /** `sandbox: null` in production: its test tokens must never buy a real permit, whatever an
     * operator's `psp.provider` says. */
    private readonly adapters: { sandbox: PspPort | null; stripe: StripePsp | null },
    private readonly defaultProvider: PspProvider = 'sandbox',
  ) {}

  private stripe(): StripePsp {
    if (!this.adapters.stripe)
      throw new AppError('UNAVAILABLE', 'Stripe is not configured on this platform (STRIPE_SECRET_KEY)');
    return this.adapters.stripe;
  }

  private sandbox(): PspPort {
    if (!this.adapters.sandbox)
      throw new AppError('UNAVAILABLE', 'The sandbox PSP is not available in production');
    return this.adapters.sandbox;
  }

  private byRef(ref: string): PspPort {
    return ref.startsWith(STRIPE_REF) ? this.stripe() : this.sandbox();
  }

  addCard(input: { token: string; operatorAccount: string; provider?: string; returnUrl?: string }) {
    const provider =
      input.provider === 'sandbox' || input.provider === 'stripe' ? input.provider : this.defaultProvider;
    return provider === 'stripe' ? this.stripe().addCard(input) : this.sandbox().addCard(input);
  }

  confirmCard(input: { pspRef: string; challengeId: string; code: string }) {
    return this.byRef(input.pspRef).confirmCard(input);
  }

  charge(input: Parameters<PspPort['charge']>[0]): Promise<ChargeResult> {
    return this.byRef(input.pspRef).charge(input);
  }

  refund(input: Parameters<PspPort['refund']>[0]) {
    return this.byRef(input.pspChargeId).refund(input);
  }
}
