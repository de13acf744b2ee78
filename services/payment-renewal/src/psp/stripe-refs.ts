// The platform's references to what Stripe holds: a stored card is `stripe:<account>:<customer>:<payment
// method>`, a charge `stripe:<account>:<payment intent>`; `<account>` is the operator's connected account
// (`acct_…`) or `self` (the platform's own). Opaque to the rest of the service.
export const STRIPE_REF = 'stripe:';
export const STRIPE_ACCOUNT = /^(self|acct_[A-Za-z0-9]{1,100})$/;

interface CardRef {
  account: string;
  customer: string;
  paymentMethod: string;
}

export function cardRef(ref: CardRef): string {
  return `${STRIPE_REF}${ref.account}:${ref.customer}:${ref.paymentMethod}`;
}
export function parseCardRef(pspRef: string): CardRef | null {
  const [kind, account, customer, paymentMethod, ...rest] = pspRef.split(':');
  if (`${kind}:` !== STRIPE_REF || !account || !customer || !paymentMethod || rest.length) return null;
  return { account, customer, paymentMethod };
}
export function chargeRef(account: string, paymentIntent: string): string {
  return `${STRIPE_REF}${account}:${paymentIntent}`;
}
export function parseChargeRef(pspChargeId: string): { account: string; paymentIntent: string } | null {
  const [kind, account, paymentIntent, ...rest] = pspChargeId.split(':');
  if (`${kind}:` !== STRIPE_REF || !account || !paymentIntent || rest.length) return null;
  return { account, paymentIntent };
}
