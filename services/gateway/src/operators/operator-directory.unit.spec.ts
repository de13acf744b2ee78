import { describe, expect, it } from '@jest/globals';
import type { OperatorList } from '@parking/contracts/identity';
import { OperatorDirectory } from './operator-directory.js';

const quiet = { info() {}, warn() {} };
const list = (defaultOperatorId: string): OperatorList => ({
  items: [
    { id: 'a', slug: 'demo' },
    { id: 'b', slug: 'other' },
  ] as OperatorList['items'],
  defaultOperatorId,
});

const until = async (check: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
};

describe('operator directory', () => {
  it('keeps retrying until identity answers, then reports it loaded once', async () => {
    let calls = 0;
    let loadedEvents = 0;
    const directory = new OperatorDirectory({
      fetch: async () => {
        calls += 1;
        if (calls < 3) throw new Error('no responders');
        return list('a');
      },
      defaultSlug: 'demo',
      refreshMs: 60_000,
      retryMs: 10,
      logger: quiet,
      onLoaded: () => (loadedEvents += 1),
    });
    expect(directory.snapshot()).toBeNull();
    directory.start();
    await until(() => directory.loaded);
    directory.stop();
    expect(calls).toBe(3);
    expect(loadedEvents).toBe(1);
    expect(directory.snapshot()?.items.map((o) => o.slug)).toEqual(['demo', 'other']);
  });

  it("prefers the configured default slug over identity's default", async () => {
    const directory = new OperatorDirectory({
      fetch: async () => list('b'),
      defaultSlug: 'demo',
      refreshMs: 60_000,
      logger: quiet,
    });
    await directory.refresh();
    expect(directory.snapshot()?.defaultOperatorId).toBe('a');
  });

  it('keeps the last list when a refresh fails', async () => {
    let fail = false;
    const directory = new OperatorDirectory({
      fetch: async () => {
        if (fail) throw new Error('timeout');
        return list('a');
      },
      defaultSlug: 'demo',
      refreshMs: 60_000,
      logger: quiet,
    });
    await directory.refresh();
    fail = true;
    await directory.refresh();
    expect(directory.snapshot()?.items).toHaveLength(2);
  });
});
