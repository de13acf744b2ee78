// JetStream messages as the events the read model understands, with the headers every publisher sets.
import type { JsMsg } from '@nats-io/jetstream';
import { HEADERS } from '@parking/contracts';
import type { ConsumedEvent } from '@parking/messaging';

export function eventOf(msg: JsMsg): ConsumedEvent {
  const get = (k: string) => msg.headers?.get(k) || undefined;
  return {
    eventId: get('Nats-Msg-Id') ?? `seq-${msg.seq}`,
    type: get(HEADERS.eventType) ?? msg.subject.split('.').pop() ?? '',
    subject: msg.subject,
    streamId: get(HEADERS.streamId) ?? '',
    streamVersion: Number(get(HEADERS.streamVersion) ?? 0),
    schemaVersion: Number(get(HEADERS.schemaVersion) ?? 1),
    operatorId: get(HEADERS.operatorId) ?? '',
    data: msg.json(),
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.seq,
  };
}

/** Milliseconds since the event was stored in the stream. */
export const ageOf = (msg: JsMsg, now = Date.now()) => now - Number(msg.info.timestampNanos) / 1e6;
