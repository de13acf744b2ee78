// The gateway's cached list of operators: fetched from identity at start (retried until it answers),
// refreshed on a timer and at once when identity announces a change. Requests never wait on identity.
import type { OperatorList } from '@parking/contracts/identity';
import type { OperatorSnapshot } from './operator-resolution.js';

export interface OperatorDirectoryOptions {
  fetch: () => Promise<OperatorList>;
  /** The default operator's slug from config; falls back to identity's default when unknown. */
  defaultSlug: string;
  refreshMs: number;
  retryMs?: number;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  onLoaded?: () => void;
}

export class OperatorDirectory {
  private current: OperatorSnapshot | null = null;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: OperatorDirectoryOptions) {}

  /** The operators as last loaded, or null while identity has not answered yet. */
  snapshot(): OperatorSnapshot | null {
    return this.current;
  }

  get loaded(): boolean {
    return this.current !== null;
  }

  /** Starts loading in the background; never throws. */
  start(): void {
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Refetches now (coalesced with a fetch already under way). */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async tick(): Promise<void> {
    await this.refresh();
    if (this.stopped) return;
    const delay = this.current ? this.options.refreshMs : (this.options.retryMs ?? 1_000);
    this.timer = setTimeout(() => void this.tick(), delay);
    this.timer.unref();
  }

  private async load(): Promise<void> {
    try {
      const list = await this.options.fetch();
      const wasLoaded = this.loaded;
      const configured = list.items.find((o) => o.slug === this.options.defaultSlug);
      this.current = { items: list.items, defaultOperatorId: configured?.id ?? list.defaultOperatorId };
      if (!wasLoaded) {
        this.options.logger.info({ operators: list.items.length }, 'operator list loaded');
        this.options.onLoaded?.();
      }
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message }, 'operator list not loaded; retrying');
    }
  }
}
