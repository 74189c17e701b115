import { Injectable } from '@nestjs/common';

/** A plugin instance as the readiness probe and the start-up log see it. @publicApi */
export interface PluginStatusSource {
  /** `pgsql`, `cache`... */
  prefix: string;
  kind: string;
  /** One line for the start-up log, e.g. `postgres 127.0.0.1:5432/users` or `embedded PostgreSQL ./data/postgres, database user_service`. */
  backend: string;
  embedded: boolean;
  /**
   * False for a backend the service can serve without (a cache): when its check fails the app
   * stays ready and reports `degraded`. Default true.
   */
  required?: boolean;
  /** Resolves when the backend answers; rejects with the reason otherwise. Must time out by itself. */
  check(): Promise<void>;
}

/**
 * Plugins register here in `onModuleInit`; the readiness probe and grpc.health.v1 ask every
 * registered plugin, and the bootstrap logs their backends once the app is up.
 * @publicApi
 */
@Injectable()
export class PluginStatusRegistry {
  private readonly sources: PluginStatusSource[] = [];

  register(source: PluginStatusSource): void {
    this.sources.push(source);
  }

  list(): readonly PluginStatusSource[] {
    return this.sources;
  }
}
