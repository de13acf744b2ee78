// Liveness and readiness: ready only when every registered check passes.
export type CheckResult = { status: 'ok' | 'down'; error?: string };

export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<void> | void>();
  private readonly flags = new Map<string, string | null>();

  addCheck(name: string, check: () => Promise<void> | void): void {
    this.checks.set(name, check);
  }

  /** A flag that starts down until marked ready (e.g. 'demo-data'). */
  markNotReady(name: string, reason = 'not ready yet'): void {
    this.flags.set(name, reason);
  }

  markReady(name: string): void {
    this.flags.set(name, null);
  }

  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  async ready(timeoutMs = 1_000): Promise<{ status: 'ok' | 'down'; checks: Record<string, CheckResult> }> {
    const checks: Record<string, CheckResult> = {};
    for (const [name, reason] of this.flags)
      checks[name] = reason === null ? { status: 'ok' } : { status: 'down', error: reason };
    await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(check),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
            }),
          ]);
          checks[name] = { status: 'ok' };
        } catch (err) {
          checks[name] = { status: 'down', error: (err as Error).message };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const status = Object.values(checks).every((c) => c.status === 'ok') ? 'ok' : 'down';
    return { status, checks };
  }
}
