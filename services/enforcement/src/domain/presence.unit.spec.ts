import { describe, expect, it } from '@jest/globals';
import { entryExpires, isPresentAt, latest, PATROL_WINDOW_MS } from './presence.js';

const t0 = Date.parse('2027-01-15T12:00:00Z');
const min = 60_000;

describe('presence', () => {
  it('counts a patrol sighting for 30 minutes either side, not longer', () => {
    const seen = { kind: 'seen' as const, at: t0 };
    expect(isPresentAt(seen, t0 + 29 * min)).toBe(true);
    expect(isPresentAt(seen, t0 - PATROL_WINDOW_MS)).toBe(true);
    expect(isPresentAt(seen, t0 + 31 * min)).toBe(false);
  });

  it('counts a vehicle from its entry until its exit', () => {
    expect(isPresentAt({ kind: 'entry', at: t0 }, t0 + 600 * min)).toBe(true);
    expect(isPresentAt({ kind: 'entry', at: t0 }, t0 - min)).toBe(false);
    expect(isPresentAt({ kind: 'exit', at: t0 }, t0 + min)).toBe(false);
  });

  it("stops counting an entry with no exit once the zone's maximum stay has passed", () => {
    const entry = { kind: 'entry' as const, at: t0, until: entryExpires(t0, 24) };
    expect(isPresentAt(entry, t0 + 24 * 60 * min - 1)).toBe(true);
    expect(isPresentAt(entry, t0 + 24 * 60 * min)).toBe(false);
    expect(isPresentAt(entry, t0 + 30 * 24 * 60 * min)).toBe(false);
    const short = { kind: 'entry' as const, at: t0, until: entryExpires(t0, 2) };
    expect(isPresentAt(short, t0 + 119 * min)).toBe(true);
    expect(isPresentAt(short, t0 + 121 * min)).toBe(false);
  });

  it('keeps the newest observation when an older one arrives late', () => {
    const exit = { kind: 'exit' as const, at: t0 };
    expect(latest(exit, { kind: 'entry', at: t0 - min })).toBe(exit);
    expect(latest({ kind: 'entry', at: t0 - min }, exit)).toBe(exit);
  });
});
