// The nats-server named by TEST_NATS_URL; tests use unique stream and consumer names on it.
import { connect, type NatsConnection } from '@nats-io/transport-node';

export function testNatsUrl(): string {
  const url = process.env.TEST_NATS_URL;
  if (!url)
    throw new Error('TEST_NATS_URL is not set: run the tests through jest (its global setup sets it)');
  return url;
}

export async function testNatsConnection(name = 'test'): Promise<NatsConnection> {
  return connect({ servers: testNatsUrl(), name });
}
