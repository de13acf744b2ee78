import { describe, expect, it } from '@jest/globals';
import { PublicReadCache } from './read-cache.js';

describe('the public read cache', () => {
  it('answers from memory until the entry is older than its time to live', async () => {
    let now = 0;
    let loads = 0;
    const cache = new PublicReadCache(1_000, 10, () => now);
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1_000;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('shares one load among concurrent misses of a key', async () => {
    let loads = 0;
    const cache = new PublicReadCache();
    const load = () => new Promise<number>((r) => setTimeout(() => r(++loads), 10));
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual([
      1, 1, 1,
    ]);
  });

  it('drops everything on a change, and keeps no answer loaded across one', async () => {
    let loads = 0;
    const cache = new PublicReadCache();
    await cache.get('k', async () => ++loads);
    cache.clear();
    expect(await cache.get('k', async () => ++loads)).toBe(2);
    let release!: () => void;
    const slow = cache.get('k2', () => new Promise<string>((r) => (release = () => r('old'))));
    cache.clear();
    release();
    expect(await slow).toBe('old');
    expect(await cache.get('k2', async () => 'new')).toBe('new');
  });

  it('never holds more than its maximum', async () => {
    const cache = new PublicReadCache(60_000, 2);
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k);
    let reloaded = false;
    await cache.get('a', async () => ((reloaded = true), 'a'));
    expect(reloaded).toBe(true);
  });
});
