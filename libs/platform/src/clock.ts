// Time comes from a clock passed in, so that tests and the renewal run can drive it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: stands still until set or advanced. */
export interface FixedClock extends Clock {
  set(date: Date): void;
  advance(ms: number): void;
}

export function fixedClock(start: Date): FixedClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(date: Date) {
      current = new Date(date);
    },
    advance(ms: number) {
      current = new Date(current.getTime() + ms);
    },
  };
}
