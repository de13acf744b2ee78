// The messaging tables in every consuming service's database: the inbox (what was handled) and dead letters.
import { eventStoreMigrations, type Migration } from '@parking/event-store';

export const messagingMigrations: Migration[] = [
  {
    id: 'messaging_001_inbox_dead_letters',
    sql: `
      create schema if not exists messaging;
      create table messaging.inbox (
        consumer text not null,
        event_id uuid not null,
        processed_at timestamptz not null default now(),
        primary key (consumer, event_id)
      );
      create table messaging.dead_letters (
        id bigserial primary key,
        consumer text not null,
        subject text not null,
        event_id text,
        stream_sequence bigint,
        headers jsonb not null,
        payload text not null,
        error text not null,
        deliveries int not null,
        failed_at timestamptz not null default now(),
        resolved_at timestamptz
      );
    `,
  },
  {
    id: 'messaging_002_dead_letter_replay',
    sql: `
      -- Set by \`npm run replay-dead-letters\`; the consumer handles the letter again and resolves it.
      alter table messaging.dead_letters add column replay_requested_at timestamptz;
      create index dead_letters_replay on messaging.dead_letters (consumer) where replay_requested_at is not null;
    `,
  },
];

/**
 * Everything a service's database applies, in its order: the event store's schema, messaging's tables,
 * then the service's own migrations. The services, the rebuild tools and the status command share it.
 */
export const databaseMigrations = (own: Migration[]): Migration[] => [
  ...eventStoreMigrations,
  ...messagingMigrations,
  ...own,
];
