import { removeDirs } from './global-setup.mjs';

export default async function globalTeardown() {
  const started = globalThis.__parkingTestServers ?? [];
  for (const s of started) await s.stop();
  removeDirs(started);
}
