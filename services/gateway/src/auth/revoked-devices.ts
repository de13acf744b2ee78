// Devices revoked while their access tokens may still be alive. Loaded from identity at start and every
// refresh, and told of each revocation as it happens (identity's DeviceRevoked, seen on core NATS), so
// a revoked device's tokens stop working at once without a call to identity per request.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { DeviceRevoked } from '@parking/contracts/identity';

export interface RevokedDevicesOptions {
  fetch: () => Promise<{ deviceIds: string[] }>;
  refreshMs: number;
  logger: { warn(obj: object, msg?: string): void };
}

export class RevokedDevices {
  private readonly ids = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private subscription: Subscription | undefined;

  constructor(private readonly options: RevokedDevicesOptions) {}

  has(deviceId: string): boolean {
    return this.ids.has(deviceId);
  }

  add(deviceId: string): void {
    this.ids.add(deviceId);
  }

  /** Follows revocations on `subject` and reloads the list now and every `refreshMs`. */
  start(nc: NatsConnection, subject: string): void {
    this.subscription = nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          this.add(msg.json<DeviceRevoked>().deviceId);
        } catch {
          /* not ours to read */
        }
      },
    });
    const tick = async () => {
      try {
        for (const id of (await this.options.fetch()).deviceIds) this.ids.add(id);
      } catch (err) {
        this.options.logger.warn({ err }, 'could not load the revoked devices; retrying');
      }
      this.timer = setTimeout(() => void tick(), this.options.refreshMs);
      this.timer.unref();
    };
    void tick();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.subscription?.unsubscribe();
  }
}
