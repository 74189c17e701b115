import { Injectable } from '@nestjs/common';
import { InjectUserServiceCache } from '../../gen/userservice/user-service.toolkit';
import { CachePlugin } from '../../plugins/cache';
import { errorReason, ToolkitError } from '../../toolkit/errors';
import { ThrottledWarnings } from '../../toolkit/logging';
import { InjectServiceSettings } from '../../toolkit/runtime/tokens';
import { UserEntity } from './user.entity';
import { isUniqueViolation } from './user.errors';
import { UserChanges, UserPage, UserRepository } from './user.repository';
import { UserSettings } from './user.settings';
import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { RequestScope, scopeLogger } from '../../toolkit/runtime/request-scope';

/**
 * The user-service's logic: unique emails, not-found answers, cache-aside `user:<id>`.
 *
 * The cache is optional by nature: any Redis failure is a (throttled) warning and the call is
 * served from PostgreSQL. Deadlines, retries and what an unreachable backend answers are the
 * plugins' and the toolkit's business, not this service's; each method takes the `RequestScope` of
 * the call it serves, so the call's deadline bounds its database work and its logs carry the
 * request id.
 */
@Injectable()
export class UserService {
  private readonly logger: ToolkitLogger;
  private readonly cacheWarnings: ThrottledWarnings;

  constructor(
    private readonly users: UserRepository,
    @InjectUserServiceCache() private readonly cache: CachePlugin,
    @InjectServiceSettings() private readonly settings: UserSettings,
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext(UserService.name);
    this.cacheWarnings = new ThrottledWarnings(this.logger);
  }

  async createUser(name: string, email: string, scope: RequestScope = {}): Promise<UserEntity> {
    if (await this.users.findByEmail(email, scope)) throw emailTaken(email);
    let user: UserEntity;
    try {
      user = await this.users.create({ name, email }, scope);
    } catch (error) {
      // Two creates with one email can both pass the check above; the constraint decides.
      if (isUniqueViolation(error)) throw emailTaken(email);
      throw error;
    }
    await this.cacheUser(user);
    this.logOf(scope).log(`user ${user.id} created`);
    return user;
  }

  getUser(userId: string, scope: RequestScope = {}): Promise<UserEntity> {
    const id = normalizeId(userId);
    // Chained, not awaited: a cache hit is the hot path of every read, and each async layer on it
    // costs promises and microtasks.
    return this.cachedUser(id).then((cached) => cached ?? this.loadUser(id, scope));
  }

  private async loadUser(id: string, scope: RequestScope): Promise<UserEntity> {
    const user = await this.users.findById(id, scope);
    if (!user) throw userNotFound(id);
    await this.cacheUser(user);
    return user;
  }

  async updateUser(
    userId: string,
    changes: UserChanges,
    scope: RequestScope = {},
  ): Promise<UserEntity> {
    const id = normalizeId(userId);
    const current = await this.users.findById(id, scope);
    if (!current) throw userNotFound(id);
    if (changes.email !== undefined && changes.email !== current.email) {
      const owner = await this.users.findByEmail(changes.email as string, scope);
      if (owner && owner.id !== id) throw emailTaken(changes.email);
    }
    let updated: UserEntity | null;
    try {
      updated = await this.users.update(id, changes, scope);
    } catch (error) {
      if (isUniqueViolation(error) && changes.email !== undefined) throw emailTaken(changes.email);
      throw error;
    }
    if (!updated) throw userNotFound(id);
    await this.forget(id);
    this.logOf(scope).log(`user ${id} updated`);
    return updated;
  }

  async deleteUser(userId: string, scope: RequestScope = {}): Promise<void> {
    const id = normalizeId(userId);
    if (!(await this.users.delete(id, scope))) throw userNotFound(id);
    await this.forget(id);
    this.logOf(scope).log(`user ${id} deleted`);
  }

  listUsers(
    limit: number,
    offset: number,
    search?: string,
    scope: RequestScope = {},
  ): Promise<UserPage> {
    return this.users.list(limit, offset, search, scope);
  }

  private logOf(scope: RequestScope): ToolkitLogger {
    return scopeLogger(scope, UserService.name, this.logger);
  }

  private cachedUser(id: string): Promise<UserEntity | undefined> {
    if (!this.settings.ENABLE_USER_CACHE) return Promise.resolve(undefined);
    return this.cache.get(cacheKey(id)).then(
      (raw) => {
        if (raw === null) return undefined;
        const user = parseCachedUser(raw);
        if (!user) this.logger.warn(`cached user ${id} is unreadable; serving from PostgreSQL`);
        return user;
      },
      (error: unknown) => {
        this.cacheWarnings.warn(
          'cache-read',
          `cache read of user ${id} failed, serving from PostgreSQL: ${errorReason(error)}`,
        );
        return undefined;
      },
    );
  }

  private async cacheUser(user: UserEntity): Promise<void> {
    if (!this.settings.ENABLE_USER_CACHE) return;
    try {
      await this.cache.set(cacheKey(user.id), JSON.stringify(user), this.settings.CACHE_TIMEOUT);
    } catch (error) {
      this.cacheWarnings.warn(
        'cache-write',
        `caching user ${user.id} failed: ${errorReason(error)}`,
      );
    }
  }

  /** Invalidation runs even with the cache disabled, so re-enabling it never serves stale rows. */
  private async forget(id: string): Promise<void> {
    try {
      await this.cache.del(cacheKey(id));
    } catch (error) {
      this.cacheWarnings.warn(
        'cache-delete',
        `removing user ${id} from the cache failed: ${errorReason(error)}`,
      );
    }
  }
}

/** Cache key of a user (under the cache plugin's key prefix). */
export function cacheKey(id: string): string {
  return `user:${id}`;
}

function parseCachedUser(raw: string): UserEntity | undefined {
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    const { id, name, email, createdAt, updatedAt } = value;
    if (
      typeof id !== 'string' ||
      typeof name !== 'string' ||
      typeof email !== 'string' ||
      typeof createdAt !== 'string' ||
      typeof updatedAt !== 'string'
    ) {
      return undefined;
    }
    return Object.assign(new UserEntity(), {
      id,
      name,
      email,
      createdAt: new Date(createdAt),
      updatedAt: new Date(updatedAt),
    });
  } catch {
    return undefined;
  }
}

/** UUIDs are valid in either case; one spelling keeps cache keys and logs consistent. */
function normalizeId(id: string): string {
  return id.toLowerCase();
}

function userNotFound(id: string): ToolkitError {
  return ToolkitError.notFound(`user ${id} not found`);
}

function emailTaken(email: string): ToolkitError {
  return ToolkitError.alreadyExists(`user with email ${email} already exists`);
}
