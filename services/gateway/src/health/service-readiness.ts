// The gateway is ready only when every service it forwards to says it is: each answers a plain JSON
// `{ ready }` on core NATS `<service>.ready` (served by @parking/platform's bootstrap).
import type { NatsConnection } from '@nats-io/transport-node';
import type { HealthRegistry } from '@parking/platform';

export async function askReady(nc: NatsConnection, service: string, timeoutMs = 1_000): Promise<void> {
  let answer: { ready?: unknown };
  try {
    const reply = await nc.request(`${service}.ready`, '', { timeout: timeoutMs });
    answer = reply.json<{ ready?: unknown }>();
  } catch (err) {
    const text = String((err as Error).message ?? err);
    throw new Error(/no responders/i.test(text) ? 'not running' : `no answer (${text})`);
  }
  if (answer.ready !== true) throw new Error('not ready');
}

export function registerServiceChecks(
  health: HealthRegistry,
  nc: NatsConnection,
  services: string[],
  timeoutMs = 1_000,
): void {
  health.addCheck('nats', () => {
    if (nc.isClosed()) throw new Error('NATS connection closed');
  });
  for (const service of services) health.addCheck(service, () => askReady(nc, service, timeoutMs));
}
