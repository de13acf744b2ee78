// Cities and locations with their zones: a location belongs to a city of its operator, and a zone's
// name is unique within its location.
import { AppError } from '@parking/contracts';
import { refused, type CatalogueEvent, type EventOf } from './catalogue.js';

export type CityState = { status: 'none' } | { status: 'created'; name: string };

export type CityCommand = {
  type: 'CreateCity';
  cityId: string;
  name: string;
  /** Whether another city of this operator has the name already (case-insensitive). */
  nameTaken: boolean;
};

export const cityDecider = {
  initialState: (): CityState => ({ status: 'none' }),
  evolve(state: CityState, event: CatalogueEvent): CityState {
    return event.type === 'CityCreated' ? { status: 'created', name: event.data.name } : state;
  },
  decide(command: CityCommand, state: CityState): CatalogueEvent[] {
    if (state.status !== 'none') throw new AppError('CONFLICT', 'the city exists already');
    if (command.nameTaken) throw refused([{ path: 'name', message: 'the operator has a city by that name' }]);
    return [{ type: 'CityCreated', data: { cityId: command.cityId, name: command.name } }];
  },
};

export type LocationState =
  { status: 'none' } | { status: 'created'; locationId: string; zones: { zoneId: string; name: string }[] };

export type LocationCommand =
  | {
      type: 'CreateLocation';
      location: EventOf<'LocationCreated'>['data'];
      /** Whether the city exists at this operator. */
      cityKnown: boolean;
    }
  | { type: 'AddZone'; zoneId: string; name: string; maxStayHours?: number };

const sameName = (a: string, b: string) => a.localeCompare(b, 'nb', { sensitivity: 'accent' }) === 0;

export const locationDecider = {
  initialState: (): LocationState => ({ status: 'none' }),
  evolve(state: LocationState, event: CatalogueEvent): LocationState {
    if (event.type === 'LocationCreated')
      return { status: 'created', locationId: event.data.locationId, zones: [] };
    if (event.type === 'ZoneAdded' && state.status === 'created')
      return { ...state, zones: [...state.zones, { zoneId: event.data.zoneId, name: event.data.name }] };
    return state;
  },
  decide(command: LocationCommand, state: LocationState): CatalogueEvent[] {
    if (command.type === 'CreateLocation') {
      if (state.status !== 'none') throw new AppError('CONFLICT', 'the location exists already');
      if (!command.cityKnown) throw refused([{ path: 'cityId', message: 'no such city at this operator' }]);
      return [{ type: 'LocationCreated', data: command.location }];
    }
    if (state.status !== 'created') throw new AppError('NOT_FOUND', 'location not found');
    if (state.zones.some((z) => sameName(z.name, command.name)))
      throw refused([{ path: 'name', message: 'the location has a zone by that name' }]);
    return [
      {
        type: 'ZoneAdded',
        data: {
          locationId: state.locationId,
          zoneId: command.zoneId,
          name: command.name,
          ...(command.maxStayHours !== undefined ? { maxStayHours: command.maxStayHours } : {}),
        },
      },
    ];
  },
};
