// Types of servers.mjs for TypeScript callers (tests).
export interface RunningServer {
  url: string;
  /** The port it listens on (the one it picked when none was given). */
  port: number;
  pid?: number;
  stop(): Promise<void>;
}
export function say(line: string): void;
export function portIsFree(port: number): Promise<boolean>;
/** Without `port`, the server picks its own (see servers.mjs); `port` is for a restart on the same one. */
export function startPostgres(options: {
  dataDir: string;
  port?: number;
  detached?: boolean;
}): Promise<RunningServer>;
export function startNats(options: {
  dataDir: string;
  port?: number;
  detached?: boolean;
}): Promise<RunningServer>;
export function natsServerBinary(): string | null;
export function tempDir(prefix: string): string;
export function localPostgresDataDir(checkout: string, dataDir: string): string;
export function waitForPortFile(
  file: string,
  child: import('node:child_process').ChildProcess,
  what: string,
  options?: { timeoutMs?: number; signal?: AbortSignal },
): Promise<number>;
