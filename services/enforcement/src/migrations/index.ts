// The enforcement read models (the index in memory is built from these at start).
import type { Migration } from '@parking/event-store';

export const migrations: Migration[] = [
  {
    id: 'enforcement_001_validity_zones',
    sql: `
      create table agreement_validity (
        operator_id text not null,
        agreement_id uuid primary key,
        status text not null,
        vehicles jsonb not null,
        zone_ids text[] not null,
        valid_from timestamptz not null,
        valid_to timestamptz not null,
        stream_version int not null
      );
      create table zones (operator_id text not null, zone_id text primary key, location_id text not null, name text not null);
    `,
  },
];
