// The agreement service's own tables (the event store and messaging bring theirs).
import type { Migration } from '@parking/event-store';

export const migrations: Migration[] = [
  {
    id: 'agreement_001_read_models',
    sql: `
      create table agreements (
        operator_id text not null,
        id uuid primary key,
        user_id text not null,
        product_id text not null,
        employee_number text,
        status text not null,
        state jsonb not null,
        view jsonb not null,
        created_at timestamptz not null,
        stream_version int not null
      );
      create index agreements_by_user on agreements (operator_id, user_id, created_at desc);
      create index agreements_by_employee on agreements (operator_id, product_id, employee_number)
        where employee_number is not null;

      create table idempotency_keys (
        operator_id text not null,
        user_id text not null,
        key text not null,
        request_hash text not null,
        agreement_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (operator_id, user_id, key)
      );
    `,
  },
  {
    id: 'agreement_002_product_places',
    sql: `
      -- One row per agreement holding a place of a product with a capacity, from its purchase until it
      -- fails or ends: the purchase counts and takes a place in one transaction, under a lock per product.
      create table product_places (
        operator_id text not null,
        product_id text not null,
        agreement_id uuid primary key,
        taken_at timestamptz not null default now()
      );
      create index product_places_by_product on product_places (operator_id, product_id);
      create index agreements_renewal on agreements (operator_id, status);
    `,
  },
  {
    id: 'agreement_003_notices',
    sql: `
      -- SMS notices sent about an agreement, so a repeated run does not send one twice.
      create table agreement_notices (
        agreement_id uuid not null,
        kind text not null,
        sent_at timestamptz not null default now(),
        primary key (agreement_id, kind)
      );
    `,
  },
  {
    id: 'agreement_004_employee_claims',
    sql: `
      -- An employee number holds at most one live agreement per product (PRODUCT.md): the purchase takes
      -- the claim in the transaction that appends it (the primary key decides between two at once); a
      -- failed or ended agreement gives it back, like product_places.
      create table employee_claims (
        operator_id text not null,
        product_id text not null,
        employee_number text not null,
        agreement_id uuid not null unique,
        primary key (operator_id, product_id, employee_number)
      );
      insert into employee_claims (operator_id, product_id, employee_number, agreement_id)
        select operator_id, product_id, employee_number, id from agreements
        where employee_number is not null
          and status in ('pending_payment', 'active', 'past_due', 'cancelled_at_period_end')
        on conflict do nothing;
    `,
  },
];
