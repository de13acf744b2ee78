import { removeDirs } from './global-setup.mjs';

export default async function globalTeardown() {
  // Run once per project that has it: the first stops them all.
  const started = (globalThis.__parkingTestServers ?? []).splice(0);
  for (const s of started) await s.stop();
  removeDirs(started);
}
