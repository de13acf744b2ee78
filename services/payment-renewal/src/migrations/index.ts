// The payment-renewal service's own tables (the event store and messaging bring theirs).
import type { Migration } from '@parking/event-store';

export const migrations: Migration[] = [
  {
    id: 'payment_001_methods_charges_receipts',
    sql: `
      create table payment_methods (
        operator_id text not null,
        id uuid primary key,
        user_id text not null,
        psp_ref text not null,
        brand text not null,
        last4 text not null,
        exp_month int not null,
        exp_year int not null,
        status text not null,
        challenge_id text,
        created_at timestamptz not null default now(),
        deleted_at timestamptz
      );
      create index payment_methods_by_user on payment_methods (operator_id, user_id);

      -- One row per agreement period: the idempotency guard of every charge.
      create table charges (
        operator_id text not null,
        id uuid primary key,
        agreement_id uuid not null,
        period_number int not null,
        idempotency_key text not null unique,
        amount int not null,
        status text not null,
        reason text,
        psp_charge_id text,
        receipt_id uuid,
        created_at timestamptz not null default now(),
        settled_at timestamptz,
        unique (agreement_id, period_number)
      );

      create table receipt_sequences (operator_id text primary key, last_number bigint not null);
      create table receipts (
        operator_id text not null,
        id uuid primary key,
        number bigint not null,
        user_id text not null,
        agreement_id uuid not null,
        kind text not null,
        issued_at timestamptz not null,
        body jsonb not null,
        unique (operator_id, number)
      );
      create index receipts_by_user on receipts (operator_id, user_id, issued_at desc);

      -- The sandbox PSP's own books (a real PSP keeps these on its side).
      create table sandbox_cards (
        psp_ref text primary key,
        behaviour text not null,
        challenge_id text,
        challenge_code_hash text,
        confirmed boolean not null default false,
        charges int not null default 0
      );
      create table sandbox_charges (
        idempotency_key text primary key,
        psp_ref text not null,
        amount int not null,
        status text not null,
        reason text,
        psp_charge_id text not null
      );
    `,
  },
];
