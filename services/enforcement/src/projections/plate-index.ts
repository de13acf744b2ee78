// The in-memory index every check reads (never the database on the hot path): per operator,
// plate+country → the agreements listing it, and the operator's zones.
import type { Vehicle } from '@parking/contracts';
import type { AgreementValidity } from '../domain/check.js';

export interface IndexedAgreement extends AgreementValidity {
  operatorId: string;
  vehicles: Vehicle[];
  version: number;
}

const plateKey = (operatorId: string, plate: string, country: string) => `${operatorId}|${country}|${plate}`;

export class PlateIndex {
  private readonly agreements = new Map<string, IndexedAgreement>();
  private readonly byPlate = new Map<string, Set<string>>();
  private readonly zones = new Map<string, string>(); // zone id → operator id

  /** Applies an agreement's latest snapshot; an older version than the one held is ignored. */
  upsert(a: IndexedAgreement): boolean {
    const previous = this.agreements.get(a.agreementId);
    if (previous && previous.version >= a.version) return false;
    if (previous)
      for (const v of previous.vehicles)
        this.byPlate.get(plateKey(previous.operatorId, v.plate, v.country))?.delete(a.agreementId);
    this.agreements.set(a.agreementId, a);
    for (const v of a.vehicles) {
      const key = plateKey(a.operatorId, v.plate, v.country);
      let set = this.byPlate.get(key);
      if (!set) this.byPlate.set(key, (set = new Set()));
      set.add(a.agreementId);
    }
    return true;
  }

  lookup(operatorId: string, plate: string, country: string): IndexedAgreement[] {
    const ids = this.byPlate.get(plateKey(operatorId, plate, country));
    return ids ? [...ids].map((id) => this.agreements.get(id)!) : [];
  }

  addZone(operatorId: string, zoneId: string): void {
    this.zones.set(zoneId, operatorId);
  }

  hasZone(operatorId: string, zoneId: string): boolean {
    return this.zones.get(zoneId) === operatorId;
  }

  get size(): number {
    return this.agreements.size;
  }
}
