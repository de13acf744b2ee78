// Types of servers.mjs for TypeScript callers (tests).
export interface RunningServer {
  url: string;
  pid?: number;
  stop(): Promise<void>;
}
export function say(line: string): void;
export function freePort(): Promise<number>;
export function portIsFree(port: number): Promise<boolean>;
export function startPostgres(options: {
  dataDir: string;
  port: number;
  detached?: boolean;
}): Promise<RunningServer>;
export function startNats(options: {
  dataDir: string;
  port: number;
  detached?: boolean;
}): Promise<RunningServer>;
export function natsServerBinary(): string | null;
export function tempDir(prefix: string): string;
