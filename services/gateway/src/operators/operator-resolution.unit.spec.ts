import { describe, expect, it } from '@jest/globals';
import { isAppError } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import { hostWithoutPort, resolveOperator, type OperatorSnapshot } from './operator-resolution.js';

const operator = (id: string, slug: string, hosts: string[]): Operator => ({
  id,
  slug,
  name: `${slug} AS`,
  organisationNumber: '999 999 999',
  address: 'Street 1',
  hosts,
  smsSender: 'Parkering',
  psp: { provider: 'sandbox', account: slug },
  sanction: { amount: { amount: 60000, currency: 'NOK' }, dueDays: 21 },
});

const demo = operator('op-demo', 'demo', ['demo.localhost']);
const fjord = operator('op-fjord', 'fjord', ['fjord.localhost', 'parkering.fjord.no']);
const snapshot: OperatorSnapshot = { items: [demo, fjord], defaultOperatorId: demo.id };

describe('operator resolution', () => {
  it('takes the x-operator slug first, over host and token', () => {
    expect(
      resolveOperator(snapshot, { xOperator: 'fjord', host: 'demo.localhost', tokenOperatorId: demo.id }).id,
    ).toBe(fjord.id);
  });

  it('matches the slug case-insensitively', () => {
    expect(resolveOperator(snapshot, { xOperator: ' Fjord ' }).id).toBe(fjord.id);
  });

  it('refuses an unknown slug with 404 naming x-operator', () => {
    let error: unknown;
    try {
      resolveOperator(snapshot, { xOperator: 'nobody', host: 'demo.localhost' });
    } catch (err) {
      error = err;
    }
    expect(isAppError(error) && error.code).toBe('NOT_FOUND');
    expect(isAppError(error) && error.fields?.map((f) => f.path)).toEqual(['x-operator']);
  });

  it('takes the host name next, without port and case-insensitively', () => {
    expect(resolveOperator(snapshot, { host: 'Parkering.FJORD.no:8443', tokenOperatorId: demo.id }).id).toBe(
      fjord.id,
    );
  });

  it("takes the token's operator when the host names none", () => {
    expect(resolveOperator(snapshot, { host: '127.0.0.1:3000', tokenOperatorId: fjord.id }).id).toBe(
      fjord.id,
    );
  });

  it('falls back to the default operator', () => {
    expect(resolveOperator(snapshot, { host: 'localhost:3000' }).id).toBe(demo.id);
    expect(resolveOperator(snapshot, { tokenOperatorId: 'gone' }).id).toBe(demo.id);
  });

  it('answers 503 when the default operator is not in the list', () => {
    expect(() => resolveOperator({ items: [fjord], defaultOperatorId: 'missing' }, {})).toThrow(
      expect.objectContaining({ code: 'UNAVAILABLE' }),
    );
  });

  it('strips ports from host names, IPv6 included', () => {
    expect(hostWithoutPort('Demo.Localhost:3000')).toBe('demo.localhost');
    expect(hostWithoutPort('[::1]:3000')).toBe('[::1]');
    expect(hostWithoutPort('example.no')).toBe('example.no');
  });
});
