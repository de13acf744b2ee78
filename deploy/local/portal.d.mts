// Types of portal.mjs for TypeScript callers (the portal's browser journeys).
export interface PortalOptions {
  /** The gateway the portal passes /v1/* to. */
  gatewayUrl: string;
  /** 0 or absent: any free port, which the portal reports back (PORT_FILE). */
  port?: number;
  /** Where the portal's output goes (rewritten); dropped when absent. */
  logFile?: string;
  /** Extra environment (NODE_ENV decides dev mode: `?operator=` is honoured unless production). */
  env?: Record<string, string>;
  detached?: boolean;
  readyTimeoutMs?: number;
  /** The portal exited on its own (not through stop()). */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface Portal {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export function startPortal(options: PortalOptions): Promise<Portal>;
export function portalBuildStale(): string | null;
export const PORTAL_DIR: string;
