import { describe, it } from '@jest/globals';
import { deciderSpec } from '@parking/testing';
import type { CatalogueEvent } from './catalogue.js';
import { cityDecider, locationDecider } from './location.js';

describe('cities', () => {
  const spec = deciderSpec(cityDecider);
  it('creates a city', () => {
    spec
      .given([])
      .when({ type: 'CreateCity', cityId: 'c1', name: 'Drammen', nameTaken: false })
      .then([{ type: 'CityCreated', data: { cityId: 'c1', name: 'Drammen' } }]);
  });
  it("refuses a name the operator's city has already", () => {
    spec
      .given([])
      .when({ type: 'CreateCity', cityId: 'c1', name: 'Oslo', nameTaken: true })
      .thenThrows('RULE_VIOLATED');
  });
});

describe('locations and zones', () => {
  const spec = deciderSpec(locationDecider);
  const location = {
    locationId: 'l1',
    cityId: 'c1',
    name: 'Drammen Sykehus',
    address: 'Dronninggata 28, 3004 Drammen',
    timeZone: 'Europe/Oslo',
    geo: { lat: 59.74, lon: 10.2 },
  };
  const created: CatalogueEvent = { type: 'LocationCreated', data: location };
  const p1: CatalogueEvent = { type: 'ZoneAdded', data: { locationId: 'l1', zoneId: 'z1', name: 'P1' } };

  it('creates a location in a city of the operator', () => {
    spec.given([]).when({ type: 'CreateLocation', location, cityKnown: true }).then([created]);
  });
  it('refuses a city the operator does not have', () => {
    spec.given([]).when({ type: 'CreateLocation', location, cityKnown: false }).thenThrows('RULE_VIOLATED');
  });
  it('adds zones with distinct names', () => {
    spec.given([created]).when({ type: 'AddZone', zoneId: 'z1', name: 'P1' }).then([p1]);
    spec.given([created, p1]).when({ type: 'AddZone', zoneId: 'z2', name: 'p1' }).thenThrows('RULE_VIOLATED');
  });
  it('adds no zone to a location that does not exist', () => {
    spec.given([]).when({ type: 'AddZone', zoneId: 'z1', name: 'P1' }).thenThrows('NOT_FOUND');
  });
});
