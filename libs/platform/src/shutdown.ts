// Graceful shutdown: on SIGTERM/SIGINT stop taking work, finish what is in flight, close connections —
// last started, first stopped — within a time limit.
import type { Logger } from './logging.js';

type ShutdownLogger = Pick<Logger, 'info' | 'error' | 'warn'>;

export interface GracefulShutdownOptions {
  /** How the process ends; tests pass their own. */
  exit?: (code: number) => void;
}

export class GracefulShutdown {
  private readonly hooks: { name: string; fn: () => Promise<void> | void }[] = [];
  private running: Promise<void> | null = null;
  private readonly exit: (code: number) => void;

  constructor(
    private readonly logger: ShutdownLogger,
    private readonly timeoutMs = 10_000,
    options: GracefulShutdownOptions = {},
  ) {
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Adds a step; steps run in reverse order of adding, so add each one right after starting it. */
  add(name: string, fn: () => Promise<void> | void): void {
    this.hooks.push({ name, fn });
  }

  /** Whether a shutdown has begun (e.g. to refuse new work). */
  get stopping(): boolean {
    return this.running !== null;
  }

  /** Runs every step once, last added first; a failing step is logged and the next one still runs. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const hook of [...this.hooks].reverse()) {
        try {
          await hook.fn();
        } catch (err) {
          this.logger.error({ err, hook: hook.name }, 'shutdown step failed');
        }
      }
    })();
    return this.running;
  }

  /**
   * On the first SIGTERM or SIGINT: run the steps and exit 0. A second signal, or steps still running
   * after the timeout, exit 1. Returns a function that removes the handlers.
   */
  install(): () => void {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) {
        this.logger.warn({ signal }, 'second signal: exiting now');
        this.exit(1);
        return;
      }
      signalled = true;
      this.logger.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown timed out');
        this.exit(1);
      }, this.timeoutMs);
      timer.unref();
      void this.run().then(() => {
        clearTimeout(timer);
        this.logger.info('shut down');
        this.exit(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    return () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    };
  }
}
