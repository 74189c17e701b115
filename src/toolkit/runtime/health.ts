import { PluginStatusRegistry } from '../plugins';

/** The outcome of one plugin's readiness check. @publicApi */
export interface PluginHealth {
  prefix: string;
  kind: string;
  backend: string;
  ok: boolean;
  error?: string;
}

/** The app's readiness: every plugin check passes and the app is not shutting down. @publicApi */
export interface Readiness {
  ready: boolean;
  shuttingDown: boolean;
  plugins: PluginHealth[];
}

const CHECK_TIMEOUT_MS = 3000;

/**
 * Readiness of one app, shared by `/_healthz/readiness` and grpc.health.v1. Turns not-ready for
 * good once shutdown begins, so that load balancers stop sending traffic while calls drain.
 * @publicApi
 */
export class HealthState {
  private shuttingDown = false;

  constructor(private readonly plugins: PluginStatusRegistry) {}

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async readiness(): Promise<Readiness> {
    const plugins = await Promise.all(
      this.plugins.list().map(async (source): Promise<PluginHealth> => {
        const base = { prefix: source.prefix, kind: source.kind, backend: source.backend };
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
    const ready = !this.shuttingDown && plugins.every((plugin) => plugin.ok);
    return { ready, shuttingDown: this.shuttingDown, plugins };
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`check timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
