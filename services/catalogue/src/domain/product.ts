// An agreement product's decider: define it, change what an operator may change (price, description,
// terms, zones, capacity, on sale), replace its staff list. Facts that live in other streams (the
// location's zones, whether a terms id exists) come in with the command.
import { AppError, type FieldError } from '@parking/contracts';
import type { ProductChanges } from '@parking/contracts/catalogue';
import { productRuleBreaches, refused, type CatalogueEvent, type ProductDefinition } from './catalogue.js';

/** A price change applies to renewal charges made at least this long after it (PRODUCT.md). */
export const PRICE_NOTICE_DAYS = 30;
const DAY_MS = 86_400_000;

export type ProductState =
  | { status: 'none' }
  | {
      status: 'defined';
      definition: ProductDefinition;
      onSale: boolean;
      staffList: { count: number; sha256: string } | null;
    };

export interface ProductFacts {
  /** The zones of the product's location at this operator; null when there is no such location. */
  locationZoneIds: string[] | null;
  /** Whether the terms id named by the command exists at this operator (true when none is named). */
  termsKnown: boolean;
}

export type ProductCommand =
  | { type: 'CreateProduct'; definition: ProductDefinition; facts: ProductFacts; now: Date }
  | { type: 'ChangeProduct'; changes: ProductChanges; facts: ProductFacts; now: Date }
  | { type: 'ReplaceStaffList'; count: number; sha256: string; now: Date };

export const initialProductState = (): ProductState => ({ status: 'none' });

export function evolveProduct(state: ProductState, event: CatalogueEvent): ProductState {
  if (event.type === 'ProductCreated')
    return { status: 'defined', definition: event.data, onSale: true, staffList: null };
  if (state.status !== 'defined') return state;
  const d = state.definition;
  switch (event.type) {
    case 'ProductPriceChanged':
      return { ...state, definition: { ...d, price: event.data.price } };
    case 'ProductDescriptionChanged':
      return { ...state, definition: { ...d, description: event.data.description } };
    case 'ProductTermsChanged':
      return { ...state, definition: { ...d, termsId: event.data.termsId } };
    case 'ProductZonesChanged':
      return { ...state, definition: { ...d, zoneIds: event.data.zoneIds } };
    case 'ProductCapacityChanged':
      return { ...state, definition: { ...d, capacity: event.data.capacity } };
    case 'ProductWithdrawn':
      return { ...state, onSale: false };
    case 'ProductPutOnSale':
      return { ...state, onSale: true };
    case 'StaffListReplaced':
      return { ...state, staffList: { count: event.data.count, sha256: event.data.sha256 } };
    default:
      return state;
  }
}

function factBreaches(definition: ProductDefinition, facts: ProductFacts, termsNamed: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (facts.locationZoneIds === null)
    errors.push({ path: 'locationId', message: 'no such location at this operator' });
  if (termsNamed && !facts.termsKnown)
    errors.push({ path: 'termsId', message: 'no such terms at this operator' });
  const rules = productRuleBreaches(definition, facts.locationZoneIds ?? definition.zoneIds);
  return [...errors, ...rules];
}

function create(
  state: ProductState,
  command: Extract<ProductCommand, { type: 'CreateProduct' }>,
): CatalogueEvent[] {
  if (state.status !== 'none') throw new AppError('CONFLICT', 'the product exists already');
  const definition = { ...command.definition, createdAt: command.now.toISOString() };
  const errors = factBreaches(definition, command.facts, true);
  if (errors.length) throw refused(errors, 'The product breaks a catalogue rule');
  return [{ type: 'ProductCreated', data: definition }];
}

const sameZones = (a: string[], b: string[]) => a.length === b.length && a.every((z, i) => z === b[i]);

function change(
  state: ProductState,
  command: Extract<ProductCommand, { type: 'ChangeProduct' }>,
): CatalogueEvent[] {
  if (state.status !== 'defined') throw new AppError('NOT_FOUND', 'product not found');
  const before = state.definition;
  const { changes, now } = command;
  const after: ProductDefinition = { ...before, ...changes };
  const termsNamed = changes.termsId !== undefined && changes.termsId !== before.termsId;
  const errors = factBreaches(after, command.facts, termsNamed);
  if (errors.length) throw refused(errors, 'The change breaks a catalogue rule');

  const productId = before.productId;
  const at = now.toISOString();
  const events: CatalogueEvent[] = [];
  if (changes.price && changes.price.amount !== before.price.amount) {
    const effectiveFrom = new Date(now.getTime() + PRICE_NOTICE_DAYS * DAY_MS).toISOString();
    events.push({
      type: 'ProductPriceChanged',
      data: { productId, price: changes.price, previousPrice: before.price, changedAt: at, effectiveFrom },
    });
  }
  if (changes.description !== undefined && changes.description !== before.description)
    events.push({ type: 'ProductDescriptionChanged', data: { productId, description: changes.description } });
  if (termsNamed)
    events.push({
      type: 'ProductTermsChanged',
      data: { productId, termsId: changes.termsId!, previousTermsId: before.termsId },
    });
  if (changes.zoneIds && !sameZones(changes.zoneIds, before.zoneIds))
    events.push({ type: 'ProductZonesChanged', data: { productId, zoneIds: changes.zoneIds } });
  if (changes.capacity !== undefined && changes.capacity !== before.capacity)
    events.push({ type: 'ProductCapacityChanged', data: { productId, capacity: changes.capacity } });
  if (changes.onSale === false && state.onSale)
    events.push({ type: 'ProductWithdrawn', data: { productId, at } });
  if (changes.onSale === true && !state.onSale)
    events.push({ type: 'ProductPutOnSale', data: { productId, at } });
  return events;
}

function replaceStaffList(
  state: ProductState,
  command: Extract<ProductCommand, { type: 'ReplaceStaffList' }>,
): CatalogueEvent[] {
  if (state.status !== 'defined') throw new AppError('NOT_FOUND', 'product not found');
  if (!state.definition.requiresEmployeeNumber) {
    throw refused([{ path: 'employeeNumbers', message: 'the product does not ask for an employee number' }]);
  }
  if (state.staffList?.sha256 === command.sha256) return []; // the same list again
  return [
    {
      type: 'StaffListReplaced',
      data: {
        productId: state.definition.productId,
        count: command.count,
        sha256: command.sha256,
        replacedAt: command.now.toISOString(),
      },
    },
  ];
}

export function decideProduct(command: ProductCommand, state: ProductState): CatalogueEvent[] {
  switch (command.type) {
    case 'CreateProduct':
      return create(state, command);
    case 'ChangeProduct':
      return change(state, command);
    case 'ReplaceStaffList':
      return replaceStaffList(state, command);
  }
}

export const productDecider = {
  decide: decideProduct,
  evolve: evolveProduct,
  initialState: initialProductState,
};
