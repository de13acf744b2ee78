// The sandbox PSP: behaves like a real PSP's test mode (API.md test tokens), keeping its books in the
// payment database. Charges are idempotent by key, as with real PSPs.
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { CardAdded, ChargeResult, PspPort } from './psp.port.js';
import { sandboxCard, sandboxChargeOutcome, type SandboxBehaviour } from './sandbox-rules.js';

const hashCode = (code: string) => createHash('sha256').update(code).digest();

export class SandboxPsp implements PspPort {
  constructor(private readonly pool: pg.Pool) {}

  async addCard({ token }: { token: string }): Promise<CardAdded> {
    const card = sandboxCard(token);
    const expiry = { expMonth: 12, expYear: new Date().getUTCFullYear() + 3 };
    if (!card) return { status: 'declined', pspRef: '', brand: 'unknown', last4: '0000', ...expiry };
    const pspRef = `card_${randomUUID()}`;
    const base = { pspRef, brand: card.brand, last4: card.last4, ...expiry };
    if (card.behaviour === 'declined_on_add') return { status: 'declined', ...base };
    if (card.behaviour === 'three_d_secure') {
      const challengeId = `3ds_${randomUUID()}`;
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await this.pool.query(
        'insert into sandbox_cards (psp_ref, behaviour, challenge_id, challenge_code_hash) values ($1, $2, $3, $4)',
        [pspRef, card.behaviour, challengeId, hashCode(code).toString('hex')],
      );
      return { status: 'requires_action', ...base, challenge: { challengeId, kind: 'otp', code } };
    }
    await this.pool.query('insert into sandbox_cards (psp_ref, behaviour, confirmed) values ($1, $2, true)', [
      pspRef,
      card.behaviour,
    ]);
    return { status: 'active', ...base };
  }

  async confirmCard({ pspRef, challengeId, code }: { pspRef: string; challengeId: string; code: string }) {
    const { rows } = await this.pool.query(
      'select challenge_id, challenge_code_hash from sandbox_cards where psp_ref = $1',
      [pspRef],
    );
    const card = rows[0];
    if (!card || card.challenge_id !== challengeId) return 'wrong_code' as const;
    const expected = Buffer.from(card.challenge_code_hash, 'hex');
    if (!timingSafeEqual(expected, hashCode(code))) return 'wrong_code' as const;
    await this.pool.query('update sandbox_cards set confirmed = true where psp_ref = $1', [pspRef]);
    return 'active' as const;
  }

  async charge({
    pspRef,
    amount,
    idempotencyKey,
  }: {
    pspRef: string;
    amount: { amount: number };
    idempotencyKey: string;
  }): Promise<ChargeResult> {
    // Two statements, no transaction (a PSP is a remote call; a renewal run makes thousands): count the
    // card's charge unless the key was seen, then record the outcome unless a racing first attempt
    // recorded one — whose result is then the answer.
    const { rows } = await this.pool.query(
      `update sandbox_cards set charges = charges + 1
       where psp_ref = $1 and not exists (select 1 from sandbox_charges where idempotency_key = $2)
       returning behaviour, confirmed, charges`,
      [pspRef, idempotencyKey],
    );
    const card = rows[0] as { behaviour: SandboxBehaviour; confirmed: boolean; charges: number } | undefined;
    if (!card) {
      const seen = await this.recorded(idempotencyKey);
      if (seen) return seen;
    }
    const outcome = !card
      ? { ok: false as const, reason: 'declined' as const }
      : !card.confirmed
        ? { ok: false as const, reason: 'authentication_required' as const }
        : sandboxChargeOutcome(card.behaviour, card.charges);
    const row = {
      status: outcome.ok === 'pending' ? 'pending' : outcome.ok ? 'succeeded' : 'failed',
      reason: outcome.ok === false ? outcome.reason : null,
      psp_charge_id: `ch_${randomUUID()}`,
    };
    const inserted = await this.pool.query(
      `insert into sandbox_charges (idempotency_key, psp_ref, amount, status, reason, psp_charge_id)
       values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
      [idempotencyKey, pspRef, amount.amount, row.status, row.reason, row.psp_charge_id],
    );
    if (!inserted.rowCount) return (await this.recorded(idempotencyKey))!;
    return toResult(row);
  }

  private async recorded(idempotencyKey: string): Promise<ChargeResult | null> {
    const { rows } = await this.pool.query(
      'select status, reason, psp_charge_id from sandbox_charges where idempotency_key = $1',
      [idempotencyKey],
    );
    return rows[0] ? toResult(rows[0]) : null;
  }

  /** Refunds once per idempotency key, never more than was charged. */
  async refund({
    pspChargeId,
    amount,
    idempotencyKey,
  }: {
    pspChargeId: string;
    amount: { amount: number };
    idempotencyKey: string;
  }) {
    const { rows } = await this.pool.query(
      `insert into sandbox_refunds (idempotency_key, psp_charge_id, amount, psp_refund_id)
       select $1, $2, $3, $4 where exists (
         select 1 from sandbox_charges where psp_charge_id = $2 and status = 'succeeded' and amount >= $3)
       on conflict (idempotency_key) do update set idempotency_key = excluded.idempotency_key
       returning psp_refund_id`,
      [idempotencyKey, pspChargeId, amount.amount, `re_${randomUUID()}`],
    );
    if (!rows[0]) return { status: 'failed' as const, pspRefundId: '' };
    return { status: 'succeeded' as const, pspRefundId: rows[0].psp_refund_id as string };
  }

  /** The sandbox settles a pending charge (what its webhook then reports). */
  async settle(idempotencyKey: string, outcome: 'succeeded' | 'failed'): Promise<void> {
    await this.pool.query(
      `update sandbox_charges set status = $2, reason = case when $2 = 'failed' then 'declined' end
       where idempotency_key = $1 and status = 'pending'`,
      [idempotencyKey, outcome],
    );
  }
}

function toResult(row: { status: string; reason: string | null; psp_charge_id: string }): ChargeResult {
  return {
    status: row.status === 'succeeded' || row.status === 'pending' ? row.status : 'failed',
    pspChargeId: row.psp_charge_id,
    ...(row.reason ? { reason: row.reason as ChargeResult['reason'] } : {}),
  };
}
