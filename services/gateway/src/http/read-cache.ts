// A short-lived cache of the catalogue's public reads in the gateway: browsing is the busiest anonymous
// traffic and every answer is the same for everyone at an operator. Entries live `ttlMs` at most and
// are all dropped when the catalogue announces a change; concurrent misses of one key share one request.
export class PublicReadCache {
  private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<unknown>>();
  private generation = 0;

  constructor(
    private readonly ttlMs = 1_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value as T;
    const inFlight = this.loading.get(key);
    if (inFlight) return inFlight as Promise<T>;
    const generation = this.generation;
    const loaded = load()
      .then((value) => {
        // A change announced while loading may have made this answer stale: do not keep it.
        if (generation === this.generation) {
          if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
          this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
        }
        return value;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, loaded);
    return loaded;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }
}
