import { afterEach, describe, expect, it } from '@jest/globals';
import { GracefulShutdown } from './shutdown.js';

const quiet = { info() {}, warn() {}, error() {} };
const nextExit = (exits: number[]) =>
  new Promise<void>((resolve) => {
    const started = exits.length;
    const poll = setInterval(() => {
      if (exits.length > started) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });

describe('GracefulShutdown', () => {
  const uninstalls: (() => void)[] = [];
  afterEach(() => uninstalls.splice(0).forEach((u) => u()));

  it('stops the last started first, and goes on past a failing step', async () => {
    const order: string[] = [];
    const errors: unknown[] = [];
    const shutdown = new GracefulShutdown(
      { ...quiet, error: (o: unknown) => void errors.push(o) } as never,
      1_000,
    );
    shutdown.add('database', () => void order.push('database'));
    shutdown.add('consumer', () => {
      order.push('consumer');
      throw new Error('x');
    });
    shutdown.add('http', async () => {
      await new Promise((r) => setTimeout(r, 10));
      order.push('http');
    });
    await shutdown.run();
    expect(order).toEqual(['http', 'consumer', 'database']);
    expect(errors).toHaveLength(1);
  });

  it('runs its steps only once however often it is asked', async () => {
    let runs = 0;
    const shutdown = new GracefulShutdown(quiet as never, 1_000);
    shutdown.add('once', () => void runs++);
    await Promise.all([shutdown.run(), shutdown.run()]);
    expect(runs).toBe(1);
    expect(shutdown.stopping).toBe(true);
  });

  it('exits 0 after its steps on SIGTERM', async () => {
    const exits: number[] = [];
    const order: string[] = [];
    const shutdown = new GracefulShutdown(quiet as never, 1_000, { exit: (c) => void exits.push(c) });
    shutdown.add('a', () => void order.push('a'));
    uninstalls.push(shutdown.install());
    const exited = nextExit(exits);
    process.emit('SIGTERM', 'SIGTERM');
    await exited;
    expect(order).toEqual(['a']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when the steps outlast the timeout', async () => {
    const exits: number[] = [];
    const shutdown = new GracefulShutdown(quiet as never, 50, { exit: (c) => void exits.push(c) });
    shutdown.add('stuck', () => new Promise<void>(() => undefined));
    uninstalls.push(shutdown.install());
    const exited = nextExit(exits);
    process.emit('SIGINT', 'SIGINT');
    await exited;
    expect(exits).toEqual([1]);
  });

  it('exits 1 at once on a second signal', async () => {
    const exits: number[] = [];
    const shutdown = new GracefulShutdown(quiet as never, 10_000, { exit: (c) => void exits.push(c) });
    shutdown.add('slow', () => new Promise<void>((r) => setTimeout(r, 200)));
    uninstalls.push(shutdown.install());
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([1]);
    await shutdown.run();
  });
});
