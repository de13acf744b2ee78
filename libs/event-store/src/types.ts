// The event store's public shape. Nothing outside libs/event-store knows it is PostgreSQL.
export type ExpectedVersion = number | 'no_stream' | 'any';

export interface EventMetadata {
  /** The operator (tenant) every event belongs to. */
  operatorId: string;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  tracestate?: string;
  /** Who caused it: a user id, a device id, or a service name. */
  actor?: { kind: 'user' | 'device' | 'system' | 'anonymous'; id?: string };
  [key: string]: unknown;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  metadata: EventMetadata;
  /** Defaults to a fresh UUID; pass one to make a retried append idempotent. */
  eventId?: string;
  schemaVersion?: number;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  eventId: string;
  streamId: string;
  streamType: string;
  streamVersion: number;
  type: Type;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  createdAt: Date;
  globalPosition: bigint;
  transactionId: bigint;
}

export interface AppendResult {
  /** The stream's version after the append (= version of the last appended event). */
  nextExpectedVersion: number;
  events: RecordedEvent[];
}

/** Position in the global, commit-ordered log. */
export interface Checkpoint {
  transactionId: bigint;
  globalPosition: bigint;
}
export const START: Checkpoint = { transactionId: 0n, globalPosition: 0n };

/** Upcasts old event shapes when read: (type, schemaVersion, data) → current data. */
export type Upcaster = (event: { type: string; schemaVersion: number; data: unknown }) => unknown;

export interface EventStore {
  append(
    streamId: string,
    events: NewEvent[],
    options: { expectedVersion: ExpectedVersion; streamType?: string },
  ): Promise<AppendResult>;
  /** The stream's events from `fromVersion` (default 1) up to `toVersion` (default: its last). */
  readStream(
    streamId: string,
    options?: { fromVersion?: number; toVersion?: number },
  ): Promise<RecordedEvent[]>;
  /** Events with a position after `after`, only of finished transactions, in commit order. */
  readAll(after: Checkpoint, limit: number): Promise<RecordedEvent[]>;
}
