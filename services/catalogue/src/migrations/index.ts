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
];
