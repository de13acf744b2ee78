// Tells the process that started us which port we bound. A parent that starts us with port 0 (the
// e2e stacks, `npm start` when a dev port is taken) cannot know the port otherwise, and guessing a
// free port for us first is a race: another process may take it before we bind it, and the parent
// would then talk to that process. The parent names a file in PORT_FILE; we write the bound port into
// it once we listen (to a temporary name first, then renamed: the parent never reads half a file).
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';

/** The port of a listening server's address (`server.address()`), or null. */
export function boundPort(address: string | AddressInfo | null): number | null {
  return typeof address === 'object' && address ? address.port : null;
}

/** Writes `port` to the file named by PORT_FILE, when it is set. */
export function reportBoundPort(port: number, file = process.env.PORT_FILE): void {
  if (!file) return;
  fs.writeFileSync(`${file}.tmp`, `${port}\n`);
  fs.renameSync(`${file}.tmp`, file);
}
