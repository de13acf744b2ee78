// Fault injection for the crash tests: when FAULT_KILL_AFTER_PURCHASE names a file that exists, the
// process deletes it and kills itself (SIGKILL) right after a purchase is appended, before its outbox
// can publish — once, so that the restarted process runs normally. Unset in every real deployment.
import fs from 'node:fs';

export function maybeCrashAfterPurchase(): void {
  const marker = process.env.FAULT_KILL_AFTER_PURCHASE;
  if (!marker || !fs.existsSync(marker)) return;
  fs.rmSync(marker, { force: true });
  process.kill(process.pid, 'SIGKILL');
}
