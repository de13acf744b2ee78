// The sandbox PSP's test tokens (API.md "Payment methods"), as pure rules.
export type SandboxBehaviour =
  | 'succeeds'
  | 'declined_on_add'
  | 'insufficient_funds'
  | 'fail_after_first'
  | 'three_d_secure'
  | 'settles_later';

export interface SandboxCard {
  behaviour: SandboxBehaviour;
  brand: string;
  last4: string;
}

const TOKENS: Record<string, SandboxCard> = {
  tok_visa: { behaviour: 'succeeds', brand: 'visa', last4: '4242' },
  tok_mastercard: { behaviour: 'succeeds', brand: 'mastercard', last4: '4444' },
  tok_declined: { behaviour: 'declined_on_add', brand: 'visa', last4: '0002' },
  tok_insufficient_funds: { behaviour: 'insufficient_funds', brand: 'visa', last4: '9995' },
  tok_fail_after_first: { behaviour: 'fail_after_first', brand: 'visa', last4: '0341' },
  tok_3ds: { behaviour: 'three_d_secure', brand: 'visa', last4: '3220' },
  // Charges stay pending until settled through POST /v1/psp/webhooks.
  tok_settles_later: { behaviour: 'settles_later', brand: 'visa', last4: '1629' },
};

export function sandboxCard(token: string): SandboxCard | null {
  return TOKENS[token] ?? null;
}

/** Whether the `n`-th charge (1-based) of a card with this behaviour succeeds, and why not. */
export function sandboxChargeOutcome(
  behaviour: SandboxBehaviour,
  n: number,
): { ok: true } | { ok: 'pending' } | { ok: false; reason: 'declined' | 'insufficient_funds' } {
  switch (behaviour) {
    case 'succeeds':
    case 'three_d_secure':
      return { ok: true };
    case 'insufficient_funds':
      return { ok: false, reason: 'insufficient_funds' };
    case 'fail_after_first':
      return n === 1 ? { ok: true } : { ok: false, reason: 'declined' };
    case 'declined_on_add':
      return { ok: false, reason: 'declined' };
    case 'settles_later':
      return { ok: 'pending' };
  }
}
