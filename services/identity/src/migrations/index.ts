// The identity service's own tables (the event store brings `es`).
import type { Migration } from '@parking/event-store';

export const migrations: Migration[] = [
  {
    id: 'identity_001_people_operators_sessions',
    sql: `
      create table operators (
        id uuid primary key,
        slug text not null unique,
        body jsonb not null,
        created_at timestamptz not null default now()
      );
      create table users (
        id uuid primary key,
        phone text not null unique,
        name text, email text, address text,
        password_hash text,
        platform boolean not null default false,
        created_at timestamptz not null default now()
      );
      create table memberships (
        user_id uuid not null references users (id),
        operator_id uuid not null references operators (id),
        roles text[] not null,
        primary key (user_id, operator_id)
      );
      -- People named as an operator's admins (or platform staff) before they have signed up.
      create table pending_grants (phone text not null, operator_id uuid, role text not null);
      create table otp_challenges (
        id uuid primary key,
        operator_id uuid not null,
        phone text not null,
        code_hash text not null,
        wrong_tries int not null default 0,
        created_at timestamptz not null,
        used_at timestamptz
      );
      create table otp_sends (phone text not null, client_address text not null, sent_at timestamptz not null);
      create index otp_sends_phone on otp_sends (phone, sent_at);
      create index otp_sends_address on otp_sends (client_address, sent_at);
      create table login_failures (phone text not null, failed_at timestamptz not null);
      create index login_failures_phone on login_failures (phone, failed_at);
      create table signing_keys (
        kid text primary key,
        private_jwk jsonb not null,
        public_jwk jsonb not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      );
      create table refresh_tokens (
        token_hash text primary key,
        family_id uuid not null,
        user_id uuid not null,
        operator_id uuid not null,
        spent_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );
      create index refresh_tokens_family on refresh_tokens (family_id);
      create table devices (
        id uuid primary key,
        operator_id uuid not null references operators (id),
        client_id text not null unique,
        name text not null,
        secret_hash text not null,
        zone_ids text[],
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );
      create table dev_sms (
        id bigserial primary key,
        phone text not null,
        operator_slug text not null,
        text text not null,
        sent_at timestamptz not null default now()
      );
    `,
  },
  {
    id: 'identity_002_personal_data_keys_devices_audit',
    sql: `
      -- One key per person for the personal data sealed inside their events (crypto-shredding).
      create table personal_data_keys (user_id uuid primary key, data_key bytea not null);
      alter table users add column erased_at timestamptz;
      alter table pending_grants add column granted_by uuid;
      create unique index pending_grants_once on pending_grants (phone, coalesce(operator_id::text, ''), role);
      alter table devices add column secret_rotated_at timestamptz;
      create index memberships_operator on memberships (operator_id);
    `,
  },
  {
    id: 'identity_003_atomic_limits_session_lifetimes',
    sql: `
      -- Attempts under a rate limit, claimed under a lock (limits/attempts.ts); subjects keyed-hashed.
      create table limit_attempts (
        claim_id uuid not null,
        scope text not null,
        subject_hash text not null,
        at timestamptz not null
      );
      create index limit_attempts_subject on limit_attempts (scope, subject_hash, at);
      create index limit_attempts_claim on limit_attempts (claim_id);
      create index limit_attempts_at on limit_attempts (at);
      -- The old count-then-insert tables held phone numbers in clear text.
      drop table otp_sends;
      drop table login_failures;
      create index otp_challenges_created on otp_challenges (created_at);
      create index otp_challenges_phone on otp_challenges (phone);
      -- Sessions: one row per sign-in (the family of its rotated refresh tokens), locked by a refresh;
      -- started_at bounds its absolute lifetime, each token's created_at its idle lifetime.
      create table session_families (
        family_id uuid primary key,
        user_id uuid not null,
        started_at timestamptz not null,
        revoked_at timestamptz
      );
      insert into session_families (family_id, user_id, started_at, revoked_at)
        select family_id, min(user_id::text)::uuid, min(created_at), max(revoked_at)
        from refresh_tokens group by family_id;
      create index refresh_tokens_user on refresh_tokens (user_id);
    `,
  },
];
