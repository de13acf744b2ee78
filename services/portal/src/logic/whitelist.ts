// The attendant's answer when the network is down: the zone's whitelist (every plate valid there when it
// was downloaded, with its agreement's end) stands in for the check. It can only say "valid until", or
// "not on the list": the reasons need the server.
import { normalisePlate } from './plates.js';

export interface Whitelist {
  zone: string;
  asOf: string;
  items: { plate: string; country: string; agreementId: string; validTo: string }[];
}

export interface OfflineAnswer {
  allowed: boolean;
  reason: 'valid_agreement' | 'ended' | 'not_in_whitelist';
  agreementId: string | null;
  validTo: string | null;
}

export function checkOffline(list: Whitelist, plate: string, country: string, at: Date): OfflineAnswer {
  const p = normalisePlate(plate);
  const entries = list.items.filter((i) => i.plate === p && i.country === country);
  const valid = entries.find((i) => Date.parse(i.validTo) > at.getTime());
  if (valid)
    return {
      allowed: true,
      reason: 'valid_agreement',
      agreementId: valid.agreementId,
      validTo: valid.validTo,
    };
  if (entries.length) {
    const last = entries.reduce((a, b) => (a.validTo > b.validTo ? a : b));
    return { allowed: false, reason: 'ended', agreementId: last.agreementId, validTo: last.validTo };
  }
  return { allowed: false, reason: 'not_in_whitelist', agreementId: null, validTo: null };
}
