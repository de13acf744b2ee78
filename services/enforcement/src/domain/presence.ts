// Who is parked: a vehicle is present from its entry until its exit — or until the zone's maximum stay
// has passed, so a gate entry whose exit was never seen cannot keep a car present forever — (gate mode),
// or within 30 minutes either side of a sighting (patrol mode). Only the latest observation of each
// vehicle is kept.
import type { ObservationKind } from '@parking/contracts/enforcement';

export const PATROL_WINDOW_MS = 30 * 60_000;
export const HOUR_MS = 3_600_000;

export interface LastObservation {
  kind: ObservationKind;
  at: number;
  /** An entry: when it stops counting without an exit (entry time + the zone's maximum stay). */
  until?: number;
}

/** When an entry at `at` into a zone with this maximum stay stops making the vehicle present. */
export const entryExpires = (at: number, maxStayHours: number): number => at + maxStayHours * HOUR_MS;

export function isPresentAt(last: LastObservation | undefined, at: number): boolean {
  if (!last) return false;
  switch (last.kind) {
    case 'seen':
      return Math.abs(at - last.at) <= PATROL_WINDOW_MS;
    case 'entry':
      return last.at <= at && (last.until === undefined || at < last.until);
    case 'exit':
      return false;
  }
}

/** A newer observation replaces an older one; an older one arriving late changes nothing. */
export function latest(current: LastObservation | undefined, next: LastObservation): LastObservation {
  return current && current.at > next.at ? current : next;
}
