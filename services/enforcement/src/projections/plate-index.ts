// The in-memory index every check reads (never the database on the hot path): per operator,
// plate+country → the agreements listing it, zone → its agreements (whitelists), the operators' zones
// and sanction settings, and who is present (the latest observation of each vehicle).
import type { Vehicle } from '@parking/contracts';
import type { Operator } from '@parking/contracts/identity';
import type { AgreementValidity } from '../domain/check.js';
import { isPresentAt, latest, type LastObservation } from '../domain/presence.js';

export interface IndexedAgreement extends AgreementValidity {
  operatorId: string;
  version: number;
}

export interface IndexedZone {
  operatorId: string;
  zoneId: string;
  locationId: string;
  name: string;
  timeZone: string;
}

export type SanctionSettings = Operator['sanction'];

const vehicleKey = (operatorId: string, plate: string, country: string) =>
  `${operatorId}|${country}|${plate}`;

function addTo<K>(map: Map<K, Set<string>>, key: K, id: string) {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}
function removeFrom<K>(map: Map<K, Set<string>>, key: K, id: string) {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (!set.size) map.delete(key);
}

export class PlateIndex {
  private readonly agreements = new Map<string, IndexedAgreement>();
  private readonly byPlate = new Map<string, Set<string>>();
  private readonly byZone = new Map<string, Set<string>>();
  private readonly zones = new Map<string, IndexedZone>();
  private readonly sanctions = new Map<string, SanctionSettings>();
  private readonly presence = new Map<string, LastObservation>();

  /** Applies an agreement's latest snapshot; an older version than the one held is ignored. */
  upsert(a: IndexedAgreement): boolean {
    const previous = this.agreements.get(a.agreementId);
    if (previous && previous.version >= a.version) return false;
    if (previous) {
      for (const v of previous.vehicles)
        removeFrom(this.byPlate, vehicleKey(previous.operatorId, v.plate, v.country), a.agreementId);
      for (const z of previous.zoneIds) removeFrom(this.byZone, z, a.agreementId);
    }
    this.agreements.set(a.agreementId, a);
    for (const v of a.vehicles)
      addTo(this.byPlate, vehicleKey(a.operatorId, v.plate, v.country), a.agreementId);
    for (const z of a.zoneIds) addTo(this.byZone, z, a.agreementId);
    return true;
  }

  lookup(operatorId: string, plate: string, country: string): IndexedAgreement[] {
    const ids = this.byPlate.get(vehicleKey(operatorId, plate, country));
    if (!ids) return [];
    const found: IndexedAgreement[] = [];
    for (const id of ids) found.push(this.agreements.get(id)!);
    return found;
  }

  /** The agreements covering a zone of this operator. */
  *inZone(operatorId: string, zoneId: string): Iterable<IndexedAgreement> {
    for (const id of this.byZone.get(zoneId) ?? []) {
      const a = this.agreements.get(id)!;
      if (a.operatorId === operatorId) yield a;
    }
  }

  get(agreementId: string): IndexedAgreement | undefined {
    return this.agreements.get(agreementId);
  }

  addZone(zone: IndexedZone): void {
    this.zones.set(zone.zoneId, zone);
  }

  /** The zone, when it is this operator's; another operator's zone is unknown to its callers. */
  zone(operatorId: string, zoneId: string): IndexedZone | undefined {
    const z = this.zones.get(zoneId);
    return z?.operatorId === operatorId ? z : undefined;
  }

  hasZone(operatorId: string, zoneId: string): boolean {
    return this.zone(operatorId, zoneId) !== undefined;
  }

  setSanctionSettings(operatorId: string, settings: SanctionSettings): void {
    this.sanctions.set(operatorId, settings);
  }

  sanctionSettings(operatorId: string): SanctionSettings | undefined {
    return this.sanctions.get(operatorId);
  }

  observe(operatorId: string, plate: string, country: string, observation: LastObservation): void {
    const key = vehicleKey(operatorId, plate, country);
    this.presence.set(key, latest(this.presence.get(key), observation));
  }

  /** The agreement's other vehicles (those on it now) present at `at`. */
  othersPresent(a: IndexedAgreement, plate: string, country: string, at: number): Vehicle[] {
    return a.vehicles.filter(
      (v) =>
        !(v.plate === plate && v.country === country) &&
        isPresentAt(this.presence.get(vehicleKey(a.operatorId, v.plate, v.country)), at),
    );
  }

  /** Forgets sightings that can no longer make anyone present (patrol sightings past their window). */
  prunePresence(before: number): void {
    for (const [key, last] of this.presence)
      if (last.kind !== 'entry' && last.at < before) this.presence.delete(key);
  }

  get size(): number {
    return this.agreements.size;
  }

  /** Every agreement, for comparing a rebuilt index with the live one. */
  allAgreements(): IndexedAgreement[] {
    return [...this.agreements.values()];
  }

  allZones(): IndexedZone[] {
    return [...this.zones.values()];
  }
}
