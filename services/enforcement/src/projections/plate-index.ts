// The in-memory index every check reads (never the database on the hot path): per operator,
// plate+country → the agreements listing it, the operators' zones and sanction settings, and who is
// present (the latest observation of each vehicle).
//
// It is laid out for memory (goal ≤ 400 bytes per agreement, measured by bench/enforcement): each
// agreement is a slot number; its validity window, version, status, operator and zone set live in typed
// arrays indexed by slot (no object, no boxed number per agreement); operators, statuses and zone sets are
// interned (two zones shared by 100,000 agreements are one array); per operator, a plate maps to its slot
// directly (an array only when the plate is on several agreements). A Norwegian plate's key is the plate
// string itself, shared between the plate map and the slot's vehicle list.
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
  /** Hours a gate entry with no exit keeps the vehicle present (the catalogue's default is 24). */
  maxStayHours: number;
}

export type SanctionSettings = Operator['sanction'];

/** An agreement held by the index, read through its slot (made on demand, never stored). */
export interface AgreementView extends IndexedAgreement {
  readonly slot: number;
}

const SEP = '\u0001';

/** Interns values as small numbers (operators, statuses, zone sets). */
class Interned<T> {
  readonly values: T[] = [];
  private readonly ids = new Map<string, number>();
  idOf(key: string, value: T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(key, id);
    }
    return id;
  }
  find(key: string): number | undefined {
    return this.ids.get(key);
  }
}

function grow<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  array: T,
  size: number,
): T {
  if (size <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  next.set(array);
  return next;
}

export class PlateIndex {
  private readonly slots = new Map<string, number>();
  private ids: string[] = [];
  /** Per slot: the vehicle key (one vehicle) or keys. */
  private vehicles: (string | string[])[] = [];
  private validFrom = new Float64Array(1024);
  private validTo = new Float64Array(1024);
  private versions = new Int32Array(1024);
  private operatorOf = new Uint16Array(1024);
  private statusOf = new Uint8Array(1024);
  private zoneSetOf = new Uint32Array(1024);
  private readonly operators = new Interned<string>();
  private readonly statuses = new Interned<string>();
  private readonly zoneSets = new Interned<readonly string[]>();
  /** Per operator: vehicle key → slot, or slots when the plate is on several agreements. */
  private readonly byOperator: Map<string, number | number[]>[] = [];
  private readonly zones = new Map<string, IndexedZone>();
  private readonly sanctions = new Map<string, SanctionSettings>();
  private readonly presence = new Map<string, LastObservation>();

  /** A Norwegian plate is its own key (the very string from the event); others are `country SEP plate`. */
  private vehicleKey(plate: string, country: string): string {
    return country === 'NO' ? plate : `${country}${SEP}${plate}`;
  }

  private vehicleOf(key: string): Vehicle {
    const at = key.indexOf(SEP);
    return at < 0 ? { plate: key, country: 'NO' } : { plate: key.slice(at + 1), country: key.slice(0, at) };
  }

  private platesOf(operator: number): Map<string, number | number[]> {
    let plates = this.byOperator[operator];
    if (!plates) this.byOperator[operator] = plates = new Map();
    return plates;
  }

  private keysOf(slot: number): readonly string[] {
    const v = this.vehicles[slot];
    return typeof v === 'string' ? [v] : v;
  }

  /** Applies an agreement's latest snapshot; an older version than the one held is ignored. */
  upsert(a: IndexedAgreement): boolean {
    let slot = this.slots.get(a.agreementId);
    if (slot !== undefined) {
      if (this.versions[slot] >= a.version) return false;
      const plates = this.platesOf(this.operatorOf[slot]);
      for (const key of this.keysOf(slot)) this.unlink(plates, key, slot);
    } else {
      slot = this.ids.length;
      this.ids.push(a.agreementId);
      this.vehicles.push('');
      this.slots.set(a.agreementId, slot);
      const size = slot + 1;
      this.validFrom = grow(this.validFrom, size);
      this.validTo = grow(this.validTo, size);
      this.versions = grow(this.versions, size);
      this.operatorOf = grow(this.operatorOf, size);
      this.statusOf = grow(this.statusOf, size);
      this.zoneSetOf = grow(this.zoneSetOf, size);
    }
    const operator = this.operators.idOf(a.operatorId, a.operatorId);
    this.operatorOf[slot] = operator;
    this.statusOf[slot] = this.statuses.idOf(a.status, a.status);
    this.zoneSetOf[slot] = this.zoneSets.idOf(a.zoneIds.join(SEP), Object.freeze([...a.zoneIds]));
    this.validFrom[slot] = a.validFrom;
    this.validTo[slot] = a.validTo;
    this.versions[slot] = a.version;
    const plates = this.platesOf(operator);
    const keys = a.vehicles.map((v) => {
      const key = this.vehicleKey(v.plate, v.country);
      // One string per vehicle, shared by the plate map and the slot.
      const held = plates.has(key) ? this.sharedKey(plates, key) : key;
      this.link(plates, held, slot);
      return held;
    });
    this.vehicles[slot] = keys.length === 1 ? keys[0] : keys;
    return true;
  }

  /** The key string already held for this vehicle (so equal keys are not stored twice). */
  private sharedKey(plates: Map<string, number | number[]>, key: string): string {
    const slots = plates.get(key);
    const first = typeof slots === 'number' ? slots : slots?.[0];
    if (first === undefined) return key;
    return this.keysOf(first).find((k) => k === key) ?? key;
  }

  private link(plates: Map<string, number | number[]>, key: string, slot: number): void {
    const held = plates.get(key);
    if (held === undefined) plates.set(key, slot);
    else if (typeof held === 'number') {
      if (held !== slot) plates.set(key, [held, slot]);
    } else if (!held.includes(slot)) held.push(slot);
  }

  private unlink(plates: Map<string, number | number[]>, key: string, slot: number): void {
    const held = plates.get(key);
    if (held === undefined) return;
    if (typeof held === 'number') {
      if (held === slot) plates.delete(key);
      return;
    }
    const rest = held.filter((s) => s !== slot);
    if (!rest.length) plates.delete(key);
    else plates.set(key, rest.length === 1 ? rest[0] : rest);
  }

  private view(slot: number): AgreementView {
    const vehicles = () => this.keysOf(slot).map((k) => this.vehicleOf(k));
    return {
      slot,
      agreementId: this.ids[slot],
      operatorId: this.operators.values[this.operatorOf[slot]],
      status: this.statuses.values[this.statusOf[slot]],
      zoneIds: this.zoneSets.values[this.zoneSetOf[slot]] as string[],
      validFrom: this.validFrom[slot],
      validTo: this.validTo[slot],
      version: this.versions[slot],
      get vehicles() {
        return vehicles();
      },
    };
  }

  lookup(operatorId: string, plate: string, country: string): AgreementView[] {
    const operator = this.operators.find(operatorId);
    if (operator === undefined) return [];
    const held = this.byOperator[operator]?.get(this.vehicleKey(plate, country));
    if (held === undefined) return [];
    if (typeof held === 'number') return [this.view(held)];
    return held.map((s) => this.view(s));
  }

  /** The agreements covering a zone of this operator (a scan: whitelists are rare and cached). */
  *inZone(operatorId: string, zoneId: string): Iterable<AgreementView> {
    const operator = this.operators.find(operatorId);
    if (operator === undefined) return;
    const sets = new Set<number>();
    this.zoneSets.values.forEach((ids, i) => ids.includes(zoneId) && sets.add(i));
    for (let slot = 0; slot < this.ids.length; slot++)
      if (this.operatorOf[slot] === operator && sets.has(this.zoneSetOf[slot])) yield this.view(slot);
  }

  get(agreementId: string): AgreementView | undefined {
    const slot = this.slots.get(agreementId);
    return slot === undefined ? undefined : this.view(slot);
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

  private presenceKey(operatorId: string, plate: string, country: string): string {
    return `${operatorId}${SEP}${country}${SEP}${plate}`;
  }

  observe(operatorId: string, plate: string, country: string, observation: LastObservation): void {
    const key = this.presenceKey(operatorId, plate, country);
    this.presence.set(key, latest(this.presence.get(key), observation));
  }

  /** The latest observation held for a vehicle (tests, and replicas comparing presence). */
  lastObservation(operatorId: string, plate: string, country: string): LastObservation | undefined {
    return this.presence.get(this.presenceKey(operatorId, plate, country));
  }

  /** The agreement's other vehicles (those on it now) present at `at`. */
  othersPresent(a: AgreementView, plate: string, country: string, at: number): Vehicle[] {
    let others: Vehicle[] | null = null;
    for (const key of this.keysOf(a.slot)) {
      const v = this.vehicleOf(key);
      if (v.plate === plate && v.country === country) continue;
      if (isPresentAt(this.presence.get(this.presenceKey(a.operatorId, v.plate, v.country)), at))
        (others ??= []).push(v);
    }
    return others ?? [];
  }

  /** Forgets observations that can no longer make anyone present (sightings past their window, entries past their stay). */
  prunePresence(before: number): void {
    for (const [key, last] of this.presence) {
      const end = last.kind === 'entry' ? (last.until ?? Infinity) : last.at;
      if (end < before) this.presence.delete(key);
    }
  }

  get presenceSize(): number {
    return this.presence.size;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Every agreement, for comparing a rebuilt index with the live one. */
  allAgreements(): IndexedAgreement[] {
    return this.ids.map((_, slot) => {
      const { slot: _s, ...a } = this.view(slot);
      return { ...a, vehicles: this.keysOf(slot).map((k) => this.vehicleOf(k)) };
    });
  }

  allZones(): IndexedZone[] {
    return [...this.zones.values()];
  }
}
