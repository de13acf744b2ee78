// The enforcement read models (the index in memory is built from these at start), the check log,
// observations, violations and control sanctions.
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
  {
    id: 'enforcement_002_operators_checks_observations_violations_sanctions',
    sql: `
      alter table zones add column time_zone text not null default 'Europe/Oslo',
                        add column stream_version int not null default 0;
      create table operators (operator_id text primary key, sanction jsonb not null, stream_version int not null);

      -- Plates (and what links back to them) are set to null once no longer needed: see privacy/.
      create table check_log (
        id bigint generated always as identity primary key,
        operator_id text not null,
        checked_at timestamptz not null,
        caller text not null,
        zone_id text not null,
        at timestamptz not null,
        plate text,
        country text,
        allowed boolean not null,
        reason text not null,
        agreement_id uuid,
        anonymised_at timestamptz
      );
      create index check_log_to_anonymise on check_log (checked_at) where plate is not null;

      create table observations (
        id uuid primary key,
        operator_id text not null,
        zone_id text not null,
        plate text,
        country text,
        kind text not null,
        observed_at timestamptz not null,
        recorded_at timestamptz not null,
        recorded_by text not null,
        reason text not null,
        agreement_id uuid,
        violation_id uuid,
        -- When the observation stopped mattering: a sighting after its 30 minutes, an entry at its exit.
        closed_at timestamptz,
        anonymised_at timestamptz
      );
      create index observations_presence on observations (operator_id, observed_at) where plate is not null;
      create index observations_open_entries on observations (operator_id, country, plate) where kind = 'entry' and closed_at is null;

      create table violations (
        id uuid primary key,
        operator_id text not null,
        type text not null,
        plate text not null,
        country text not null,
        zone_id text not null,
        at timestamptz not null,
        agreement_id uuid,
        other_plates text[] not null,
        status text not null,
        recorded_at timestamptz not null
      );
      create index violations_by_time on violations (operator_id, at, id);

      create table sanction_numbers (operator_id text primary key, last_number int not null);
      create table sanctions (
        id uuid primary key,
        operator_id text not null,
        number int not null,
        violation_id uuid not null unique references violations (id),
        plate text not null,
        country text not null,
        zone_id text not null,
        amount jsonb not null,
        issued_at timestamptz not null,
        issued_by text not null,
        due_date date not null,
        status text not null,
        note text,
        cancelled_at timestamptz,
        cancelled_by text,
        cancel_reason text,
        version int not null,
        unique (operator_id, number)
      );
      create index sanctions_by_time on sanctions (operator_id, issued_at, id);
    `,
  },
  {
    id: 'enforcement_003_max_stay',
    sql: `
      -- A gate entry with no exit stops making its vehicle present after the zone's maximum stay: an
      -- entry's closed_at is set to that expiry when it is recorded, and brought forward by its exit.
      alter table zones add column max_stay_hours int not null default 24;
      update observations o
         set closed_at = o.observed_at + make_interval(hours =>
               coalesce((select z.max_stay_hours from zones z where z.zone_id = o.zone_id), 24))
       where o.kind = 'entry' and o.closed_at is null;
      drop index observations_open_entries;
      create index observations_entries on observations (operator_id, country, plate, closed_at) where kind = 'entry';
      create index observations_recent on observations (closed_at) where plate is not null;
    `,
  },
  {
    id: 'enforcement_004_latest_events',
    sql: `
      -- The rebuild's source: the latest event of each agreement, location and operator as published
      -- (not as derived), written with the read model in the same transaction. A rebuild folds these
      -- rows and the stream after the writers' ack floors, so the stream may have a retention limit.
      create table latest_events (
        feed text not null,
        key text not null,
        operator_id text not null,
        subject text not null,
        type text not null,
        stream_version int not null,
        stream_seq bigint not null,
        data jsonb not null,
        primary key (feed, key)
      );
      -- Whether latest_events holds every key of a feed: set when a writer's consumer is created from the
      -- stream's start (it then sees every event) or by a rebuild that replayed the feed whole.
      create table latest_events_state (feed text primary key, complete boolean not null);
    `,
  },
];
