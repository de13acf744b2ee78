// Types of stack.mjs for TypeScript callers (the e2e journeys).
export interface StackService {
  /** The running process's id (changes after start()). */
  readonly pid: number | undefined;
  /** The port it reported it bound (a service gets a new one after start(); the gateway keeps its). */
  readonly port: number;
  /** Its own database; null for the gateway. */
  databaseUrl: string | null;
  /** Its /health/ready (the gateway's asks every service). */
  readonly healthUrl: string;
  /** Sends the signal and waits for the exit (SIGKILL after the stop timeout for other signals). */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again after a kill, on the same database; resolves once it is ready. */
  start(): Promise<void>;
}

export interface Stack {
  gatewayUrl: string;
  /** The given natsUrl, or the private nats-server started for this stack. */
  natsUrl: string;
  /** The ports the processes reported they bound (PORT_FILE), by name. */
  ports: Record<string, number>;
  /** Database name per service. */
  databases: Record<string, string>;
  logDir: string | null;
  service(name: string): StackService;
  /** SIGTERM to every process, SIGKILL after the stop timeout; then the private nats-server, if any. */
  stop(): Promise<void>;
}

export interface StackOptions {
  /** A URL of the PostgreSQL server allowed to create databases; each service gets `<prefix>_<name>`. */
  adminDatabaseUrl: string;
  /**
   * NATS for this stack alone. Two stacks on one NATS answer each other's requests (subjects are not
   * namespaced), so when it is left out a private nats-server is started and stopped with the stack.
   */
  natsUrl?: string;
  /** Database and durable-consumer prefix: `parking` for npm start, `e2e_<random>` for journeys. */
  databasePrefix?: string;
  /**
   * gateway = basePort, identity = basePort + 1 … enforcement = basePort + 5. When absent each process
   * listens on port 0 (any free one) and reports the port it got: no pick-then-bind race.
   */
  basePort?: number;
  /** Explicit ports per deployable name; win over basePort. */
  ports?: Record<string, number>;
  /** Extra environment for every process (wins over the defaults). */
  env?: Record<string, string>;
  /** Where `<name>.log` files go; a temporary directory when neither this nor onLog is given. */
  logDir?: string;
  /** Every output line of every process, as it comes. */
  onLog?: (name: string, line: string) => void;
  /** A process exited on its own (not through stop() or kill()). */
  onExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
  /** How long to wait for every process's /health/ready (default 90 s: two stacks may start at once on 2 cores). */
  readyTimeoutMs?: number;
  /** A process answered 200 on its /health/ready. */
  onReady?: (name: string, healthUrl: string) => void;
  /** Every progressIntervalMs while starting: the processes not ready yet, each with why. */
  onWaiting?: (waitingFor: string[]) => void;
  /** Default 3 s. */
  progressIntervalMs?: number;
  /**
   * Each process in its own process group: a terminal's Ctrl-C then reaches only the caller, which stops
   * them once, in order (npm start). Off by default, so that a killed test run's Ctrl-C still ends them.
   */
  detached?: boolean;
  /** Aborting it while the stack starts stops what was started; startStack then rejects. */
  signal?: AbortSignal;
  /** How long stop() waits after SIGTERM before SIGKILL (default 15 s). */
  stopTimeoutMs?: number;
}

export function startStack(options: StackOptions): Promise<Stack>;
/** Throws naming every deployable whose dist/main.js is missing. */
export function assertBuilt(): void;
