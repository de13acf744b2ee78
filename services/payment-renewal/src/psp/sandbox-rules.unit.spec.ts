import { describe, expect, it } from '@jest/globals';
import { sandboxCard, sandboxChargeOutcome } from './sandbox-rules.js';

describe('sandbox PSP test tokens', () => {
  it('adds tok_visa and tok_mastercard at once, and every charge succeeds', () => {
    for (const token of ['tok_visa', 'tok_mastercard']) {
      const card = sandboxCard(token)!;
      expect(card.behaviour).toBe('succeeds');
      expect(sandboxChargeOutcome(card.behaviour, 1)).toEqual({ ok: true });
      expect(sandboxChargeOutcome(card.behaviour, 7)).toEqual({ ok: true });
    }
  });

  it('declines tok_declined when it is added', () => {
    expect(sandboxCard('tok_declined')!.behaviour).toBe('declined_on_add');
  });

  it('adds tok_insufficient_funds but fails every charge', () => {
    expect(sandboxChargeOutcome('insufficient_funds', 1)).toEqual({
      ok: false,
      reason: 'insufficient_funds',
    });
  });

  it('lets the first charge of tok_fail_after_first succeed and the later ones fail', () => {
    expect(sandboxChargeOutcome('fail_after_first', 1)).toEqual({ ok: true });
    expect(sandboxChargeOutcome('fail_after_first', 2)).toEqual({ ok: false, reason: 'declined' });
  });

  it('asks for 3-D Secure on tok_3ds, and charges succeed once confirmed', () => {
    expect(sandboxCard('tok_3ds')!.behaviour).toBe('three_d_secure');
    expect(sandboxChargeOutcome('three_d_secure', 2)).toEqual({ ok: true });
  });

  it('does not know other tokens', () => {
    expect(sandboxCard('tok_unknown')).toBeNull();
  });
});
