import { describe, expect, it } from '@jest/globals';
import { normalisePlate, plateProblem, vehicleLabel } from './plates.js';

describe('plates in the purchase form', () => {
  it('normalises as typed: upper case, spaces and dashes removed', () => {
    expect(normalisePlate('ek 12-345')).toBe('EK12345');
    expect(normalisePlate('æø-å 1')).toBe('ÆØÅ1');
  });

  it('refuses a plate outside 2–10 letters and digits', () => {
    expect(plateProblem('E', [], 3)).toBe('plate_format');
    expect(plateProblem('EK1234567890', [], 3)).toBe('plate_format');
    expect(plateProblem('EK_123', [], 3)).toBe('plate_format');
    expect(plateProblem('ek 12345', [], 3)).toBeNull();
  });

  it('refuses a plate already confirmed, however it is typed', () => {
    expect(plateProblem('ek-12 345', ['EK12345'], 3)).toBe('plate_duplicate');
  });

  it("refuses a plate past the product's maximum", () => {
    expect(plateProblem('AB123', ['EK12345'], 1)).toBe('plate_too_many');
    expect(plateProblem('AB123', ['EK12345', 'CD999'], 3)).toBeNull();
  });
});

describe('plates with their country', () => {
  it('counts the same plate from two countries as two vehicles', () => {
    const confirmed = [{ plate: 'AB123', country: 'NO' }];
    expect(plateProblem('ab 123', confirmed, 3, 'NO')).toBe('plate_duplicate');
    expect(plateProblem('ab 123', confirmed, 3, 'S')).toBeNull();
  });

  it('shows a foreign plate with its code, a Norwegian one without', () => {
    expect(vehicleLabel({ plate: 'AB123', country: 'NO' })).toBe('AB123');
    expect(vehicleLabel({ plate: 'ABC123', country: 'S' })).toBe('ABC123 (S)');
  });
});
