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
  {
    id: 'payment_002_renewals_refunds_notifications',
    sql: `
      -- What the renewal run needs of each agreement, kept from the agreement's integration events.
      create table renewals (
        operator_id text not null,
        agreement_id uuid primary key,
        version int not null,
        user_id text not null,
        product_id text,
        product_name text,
        payment_method_id text,
        employee_number text,
        vat_rate numeric not null default 25,
        plates text[] not null default '{}',
        status text not null,
        valid_from timestamptz,
        valid_to timestamptz,
        auto_renew boolean not null default false,
        -- The next period to charge; null: nothing more to renew.
        period_number int,
        period_from timestamptz,
        period_to timestamptz,
        amount int,
        due_at timestamptz,
        retry_at timestamptz[] not null default '{}',
        -- When a run next takes it (null: nothing to do until the agreement says more).
        next_attempt_at timestamptz,
        refused_reason text,
        card_warned_period int
      );
      create index renewals_due on renewals (operator_id, next_attempt_at) where next_attempt_at is not null;
      create index renewals_by_method on renewals (payment_method_id) where period_number is not null;

      -- A failed renewal charge is retried under a new PSP key: attempt 1 uses the period's key.
      alter table charges add column attempt int not null default 1;
      alter table charges add column charged_at timestamptz;

      create table refunds (
        operator_id text not null,
        id uuid primary key,
        agreement_id uuid not null,
        period_number int not null,
        idempotency_key text not null unique,
        amount int not null,
        status text not null,
        psp_refund_id text,
        receipt_id uuid,
        refunded_at timestamptz,
        unique (agreement_id, period_number)
      );
      create index receipts_by_time on receipts (operator_id, issued_at, number);

      -- Texts to send through identity, written in the transaction that caused them.
      create table notifications (
        id uuid primary key,
        operator_id text not null,
        user_id text not null,
        template text not null,
        params jsonb not null,
        created_at timestamptz not null default now(),
        attempts int not null default 0,
        sent_at timestamptz,
        failed_at timestamptz,
        error text
      );
      create index notifications_pending on notifications (created_at) where sent_at is null and failed_at is null;

      create table sandbox_refunds (
        idempotency_key text primary key,
        psp_charge_id text not null,
        amount int not null,
        psp_refund_id text not null
      );
      create index sandbox_charges_by_psp_id on sandbox_charges (psp_charge_id);
    `,
  },
  {
    id: 'payment_003_notification_lease',
    sql: `
      -- Texts are claimed for a while (a lease) and sent with no transaction open: see
      -- notifications/notifications.ts.
      alter table notifications add column claimed_until timestamptz;
    `,
  },
];
