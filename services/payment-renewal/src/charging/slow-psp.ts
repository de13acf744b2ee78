// A PSP that answers `delayMs` later (PSP_DELAY_MS, tests only): with it, a test shows that a slow card
// processor holds no database transaction open, so every outbox and projection keeps flowing.
import type { PspPort } from '../psp/psp.port.js';

export function slowedDown(psp: PspPort, delayMs: number): PspPort {
  if (delayMs <= 0) return psp;
  const later = <T>(work: () => Promise<T>) =>
    new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(work);
  return {
    addCard: (input) => psp.addCard(input),
    confirmCard: (input) => psp.confirmCard(input),
    charge: (input) => later(() => psp.charge(input)),
    refund: (input) => later(() => psp.refund(input)),
  };
}
