import { PluginStatusRegistry } from '../plugins';

/** The outcome of one plugin's readiness check. @publicApi */
export interface PluginHealth {
  prefix: string;
  kind: string;
  backend: string;
  ok: boolean;
  /** False for a plugin the service can serve without; its failure only degrades the app. */
  required: boolean;
  error?: string;
}

/**
 * `ok`: every check passed; `degraded`: only optional plugins failed (still ready);
 * `unavailable`: a required plugin failed or the app is shutting down. @publicApi
 */
export type ReadinessStatus = 'ok' | 'degraded' | 'unavailable';

/** The app's readiness: every required plugin check passes and the app is not shutting down. @publicApi */
export interface Readiness {
  ready: boolean;
  status: ReadinessStatus;
  shuttingDown: boolean;
  plugins: PluginHealth[];
}

const CHECK_TIMEOUT_MS = 3000;

/**
 * Readiness of one app, shared by `/_healthz/readiness` and grpc.health.v1. Turns not-ready for
 * good once shutdown begins, so that load balancers stop sending traffic while calls drain. A
 * failing optional plugin leaves the app ready: pulling every replica out of its Service because
 * the cache is down would turn a degraded mode into an outage.
 * @publicApi
 */
export class HealthState {
  private shuttingDown = false;
  private readonly shutdownListeners = new Set<() => void>();

  constructor(private readonly plugins: PluginStatusRegistry) {}

  markShuttingDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const listener of [...this.shutdownListeners]) listener();
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async readiness(): Promise<Readiness> {
    const plugins = await Promise.all(
      this.plugins.list().map(async (source): Promise<PluginHealth> => {
        const base = {
          prefix: source.prefix,
          kind: source.kind,
          backend: source.backend,
          required: source.required !== false,
        };
        try {
          await withTimeout(source.check(), CHECK_TIMEOUT_MS);
          return { ...base, ok: true };
        } catch (error) {
          return {
            ...base,
            ok: false,
            error: error instanceof Error ? error.message : String(error),
          };
        }
      }),
    );
    return summarize(plugins, this.shuttingDown);
  }

  /**
   * Calls `listener` with the first readiness verdict, then with every change, until the returned
   * function is called. Plugins raise no events, so their checks re-run every `intervalMs` (one
   * round at a time); shutdown is reported at once and ends the polling, since the app never turns
   * ready again.
   */
  watchReadiness(listener: (ready: boolean) => void, intervalMs: number): () => void {
    let last: boolean | undefined;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const report = (ready: boolean) => {
      if (stopped || ready === last) return;
      last = ready;
      listener(ready);
    };
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      this.shutdownListeners.delete(onShutdown);
    };
    const onShutdown = () => {
      report(false);
      stop();
    };
    const poll = () => {
      void this.readiness().then(({ ready }) => {
        if (stopped) return;
        report(ready);
        timer = setTimeout(poll, intervalMs).unref();
      });
    };
    this.shutdownListeners.add(onShutdown);
    if (this.shuttingDown) onShutdown();
    else poll();
    return stop;
  }
}

/** Readiness from plugin outcomes; also what the gateway's `/health` reports of its backends. @publicApi */
export function summarize(plugins: PluginHealth[], shuttingDown: boolean): Readiness {
  const ready = !shuttingDown && plugins.every((plugin) => plugin.ok || !plugin.required);
  const degraded = plugins.some((plugin) => !plugin.ok);
  const status: ReadinessStatus = !ready ? 'unavailable' : degraded ? 'degraded' : 'ok';
  return { ready, status, shuttingDown, plugins };
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`check timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
