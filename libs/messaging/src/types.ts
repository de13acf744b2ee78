// The messaging library's public shape (implemented beside this file).
import type { RecordedEvent } from '@parking/event-store';

/** An integration event as a consumer receives it from JetStream. */
export interface ConsumedEvent<Data = unknown> {
  eventId: string;
  type: string;
  subject: string;
  streamId: string;
  streamVersion: number;
  schemaVersion: number;
  operatorId: string;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  data: Data;
  /** JetStream delivery count (1 on first delivery). */
  deliveryCount: number;
  streamSequence: number;
}

export type EventFromStore = RecordedEvent;
