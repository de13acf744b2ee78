// Identity publishes OperatorChanged on JetStream; a plain core-NATS subscription sees those messages
// too, which is all the gateway needs to refetch its operator list at once (no durable consumer).
import type { NatsConnection, Subscription } from '@nats-io/transport-node';

export function watchOperatorChanges(
  nc: NatsConnection,
  subject: string,
  onChange: () => void,
): Subscription {
  return nc.subscribe(subject, { callback: (err) => (err ? undefined : onChange()) });
}
