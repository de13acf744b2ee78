// The catalogue's read models (the event store brings `es`).
import type { Migration } from '@parking/event-store';

export const migrations: Migration[] = [
  {
    id: 'catalogue_001_read_models',
    sql: `
      create table cities (operator_id uuid not null, id uuid primary key, name text not null);
      create table locations (
        operator_id uuid not null, id uuid primary key, city_id uuid not null, name text not null,
        address text not null, time_zone text not null, lat double precision not null, lon double precision not null
      );
      create table zones (operator_id uuid not null, id uuid primary key, location_id uuid not null, name text not null);
      create table terms (
        operator_id uuid not null, id uuid primary key, version int not null, title text not null, text text not null,
        published_at timestamptz not null
      );
      create table products (
        operator_id uuid not null, id uuid primary key, location_id uuid not null, on_sale boolean not null,
        definition jsonb not null
      );
      create index products_by_location on products (operator_id, location_id);
      create table staff_list_entries (
        operator_id uuid not null, product_id uuid not null, employee_number text not null,
        primary key (product_id, employee_number)
      );
      create table staff_lists (operator_id uuid not null, product_id uuid primary key, replaced_at timestamptz not null);
    `,
  },
  {
    id: 'catalogue_002_operator_writes',
    sql: `
      -- Terms versions of one document share its first version's id.
      alter table terms add column document_id uuid;
      update terms set document_id = id;
      alter table terms alter column document_id set not null;
      create index terms_by_document on terms (operator_id, document_id, version);
      create index cities_by_operator on cities (operator_id, lower(name));
      create index locations_by_city on locations (operator_id, city_id);
      create index zones_by_location on zones (location_id);
      alter table staff_lists add column entry_count int, add column sha256 text;

      -- A staff list on its way in, part by part (NATS carries at most 1 MiB per message).
      create table staff_list_uploads (
        upload_id uuid primary key, operator_id uuid not null, product_id uuid not null,
        created_at timestamptz not null default now()
      );
      create table staff_list_upload_parts (
        upload_id uuid not null references staff_list_uploads on delete cascade, part int not null,
        primary key (upload_id, part)
      );
      create table staff_list_upload_entries (
        upload_id uuid not null references staff_list_uploads on delete cascade, part int not null,
        employee_number text not null
      );
      create index staff_list_upload_entries_by_part on staff_list_upload_entries (upload_id, part);

      -- The agreements holding a place on a product (for capacity), from the agreement service's events.
      create table agreement_places (
        agreement_id uuid primary key, operator_id uuid not null, product_id uuid, status text not null,
        stream_version int not null
      );
      create index agreement_places_by_product on agreement_places (product_id, status);
    `,
  },
  {
    id: 'catalogue_003_zone_max_stay',
    sql: `
      -- How long a gate entry with no exit keeps a vehicle present (enforcement), per zone.
      alter table zones add column max_stay_hours int not null default 24;
    `,
  },
];
