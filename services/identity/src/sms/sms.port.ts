// The SMS port: identity owns phone numbers and texts people through it. A real SMS gateway plugs in
// behind it; in dev mode texts land in the dev inbox.
import type pg from 'pg';

export interface SmsMessage {
  operatorSlug: string;
  sender: string;
  phone: string;
  text: string;
}

export interface SmsPort {
  readonly kind: 'dev-inbox' | 'http';
  send(message: SmsMessage): Promise<void>;
}

export class DevInboxSms implements SmsPort {
  readonly kind = 'dev-inbox' as const;
  constructor(private readonly pool: pg.Pool) {}

  async send(m: SmsMessage): Promise<void> {
    await this.pool.query('insert into dev_sms (phone, operator_slug, text) values ($1, $2, $3)', [
      m.phone,
      m.operatorSlug,
      m.text,
    ]);
  }
}

/** An HTTP SMS gateway: POSTs JSON with a bearer credential, retrying with backoff. */
export class HttpSms implements SmsPort {
  readonly kind = 'http' as const;
  constructor(
    private readonly options: { url: string; token?: string; timeoutMs?: number; retries?: number },
  ) {}

  async send(m: SmsMessage): Promise<void> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          },
          body: JSON.stringify({ from: m.sender, to: m.phone, text: m.text }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        });
        if (res.ok) return;
        if (res.status < 500 && res.status !== 429) throw new Error(`SMS gateway refused: ${res.status}`);
        throw Object.assign(new Error(`SMS gateway: ${res.status}`), { retry: true });
      } catch (err) {
        const retry =
          (err as { retry?: boolean }).retry ||
          (err as Error).name === 'TimeoutError' ||
          (err as Error).name === 'TypeError';
        if (!retry || attempt >= retries) throw err;
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }
}

/** What a text may say about its operator: where its portal is, and its customer service. */
export interface TextOperator {
  hosts: string[];
  supportPhone?: string | null;
  supportEmail?: string | null;
}

/** «Bytt kort» for one agreement in the operator's portal (its first host), or null without one. */
export function changeCardLink(operator: TextOperator | undefined, agreementId: unknown): string | null {
  const host = operator?.hosts[0];
  if (!host || typeof agreementId !== 'string' || !agreementId) return null;
  return `https://${host}/#/agreements/${encodeURIComponent(agreementId)}/card`;
}

/** « Kundeservice: <phone>.» when the operator has a support phone (else its e-mail), or nothing. */
function support(operator: TextOperator | undefined): string {
  const contact = operator?.supportPhone ?? operator?.supportEmail;
  return contact ? ` Kundeservice: ${contact}.` : '';
}

export const TEMPLATES: Record<string, (p: Record<string, unknown>, operator?: TextOperator) => string> = {
  otp: (p) => `Din engangskode er ${p.code}. Den gjelder i 5 minutter.`,
  card_verification_code: (p) => `Bekreft kortet ditt med koden ${p.code}.`,
  receipt: (p) => `Takk for kjøpet. Kvittering nr. ${p.number}: ${p.product}, ${p.amount}.`,
  // The link opens «Bytt kort» for the agreement (sign-in first if needed); without a portal host the
  // text says where to go as before.
  renewal_failed: (p, o) => {
    const link = changeCardLink(o, p.agreementId);
    return (
      `Vi fikk ikke trukket ${p.amount} for ${p.product}. ` +
      (link ? `Bytt kort før ${p.until}: ${link}` : `Bytt kort i appen før ${p.until}.`) +
      support(o)
    );
  },
  agreement_ended: (p) => `Parkeringsavtalen ${p.product} er avsluttet.`,
  agreement_ending: (p) => `Parkeringsavtalen ${p.product} utløper ${p.until}. Kjøp en ny i appen ved behov.`,
  price_change: (p) => `Prisen for ${p.product} endres til ${p.amount} fra fornyelser etter ${p.from}.`,
  card_expiring: (p) =>
    `Kortet ${p.card} utløper før ${p.product} fornyes ${p.renewsAt} (${p.amount}). Legg inn et nytt kort i appen.`,
  renewal_refused: (p) =>
    `${p.product} fornyes ikke: ansattnummeret står ikke lenger på listen. Avtalen gjelder til ${p.until}.`,
};
