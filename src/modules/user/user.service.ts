import { Injectable, Logger } from '@nestjs/common';
import { InjectUserServiceCache } from '../../gen/userservice/user-service.toolkit';
import { CachePlugin } from '../../plugins/cache';
import { ToolkitError } from '../../toolkit/errors';
import { currentRequest } from '../../toolkit/runtime/request-context';
import { InjectServiceSettings } from '../../toolkit/runtime/tokens';
import { UserEntity } from './user.entity';
import { isTransientDatabaseError, isUniqueViolation } from './user.errors';
import { UserChanges, UserPage, UserRepository } from './user.repository';
import { UserSettings } from './user.settings';

/** Pause before retry n (1-based): 50ms, 100ms, 200ms... */
const RETRY_BASE_DELAY_MS = 50;

/**
 * The user-service's logic: unique emails, not-found answers, cache-aside `user:<id>`.
 *
 * The cache is optional by nature: any Redis failure is logged as a warning and the call is served
 * from PostgreSQL. Every backend call is bounded by the request's deadline (REQUEST_TIMEOUT or a
 * shorter client deadline); transient PostgreSQL failures are retried up to MAX_RETRIES times
 * (see `isTransientDatabaseError` for which).
 */
@Injectable()
export class UserService {
  private readonly logger = new Logger(UserService.name);

  constructor(
    private readonly users: UserRepository,
    @InjectUserServiceCache() private readonly cache: CachePlugin,
    @InjectServiceSettings() private readonly settings: UserSettings,
  ) {}

  async createUser(name: string, email: string): Promise<UserEntity> {
    if (await this.read(() => this.users.findByEmail(email))) throw emailTaken(email);
    let user: UserEntity;
    try {
      user = await this.write(() => this.users.create({ name, email }));
    } catch (error) {
      // Two creates with one email can both pass the check above; the constraint decides.
      if (isUniqueViolation(error)) throw emailTaken(email);
      throw error;
    }
    await this.cacheUser(user);
    this.logger.log(`user ${user.id} created`);
    return user;
  }

  async getUser(userId: string): Promise<UserEntity> {
    const id = normalizeId(userId);
    const cached = await this.cachedUser(id);
    if (cached) return cached;
    const user = await this.read(() => this.users.findById(id));
    if (!user) throw userNotFound(id);
    await this.cacheUser(user);
    return user;
  }

  async updateUser(userId: string, changes: UserChanges): Promise<UserEntity> {
    const id = normalizeId(userId);
    const current = await this.read(() => this.users.findById(id));
    if (!current) throw userNotFound(id);
    if (changes.email !== undefined && changes.email !== current.email) {
      const owner = await this.read(() => this.users.findByEmail(changes.email as string));
      if (owner && owner.id !== id) throw emailTaken(changes.email);
    }
    let updated: UserEntity | null;
    try {
      updated = await this.write(() => this.users.update(id, changes));
    } catch (error) {
      if (isUniqueViolation(error) && changes.email !== undefined) throw emailTaken(changes.email);
      throw error;
    }
    if (!updated) throw userNotFound(id);
    await this.forget(id);
    this.logger.log(`user ${id} updated`);
    return updated;
  }

  async deleteUser(userId: string): Promise<void> {
    const id = normalizeId(userId);
    if (!(await this.write(() => this.users.delete(id)))) throw userNotFound(id);
    await this.forget(id);
    this.logger.log(`user ${id} deleted`);
  }

  listUsers(limit: number, offset: number, search?: string): Promise<UserPage> {
    return this.read(() => this.users.list(limit, offset, search));
  }

  private read<T>(work: () => Promise<T>): Promise<T> {
    return this.withRetries(work, false);
  }

  private write<T>(work: () => Promise<T>): Promise<T> {
    return this.withRetries(work, true);
  }

  private async withRetries<T>(work: () => Promise<T>, write: boolean): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.bounded(work(), 'PostgreSQL');
      } catch (error) {
        const retry =
          attempt < this.settings.MAX_RETRIES &&
          isTransientDatabaseError(error, write) &&
          remainingMs() > RETRY_BASE_DELAY_MS * 2 ** attempt;
        if (!retry) throw error;
        this.logger.warn(`PostgreSQL call failed (${reasonOf(error)}); retry ${attempt + 1}`);
        await sleep(RETRY_BASE_DELAY_MS * 2 ** attempt);
      }
    }
  }

  /** Rejects with DEADLINE_EXCEEDED when the request's deadline passes first. */
  private bounded<T>(work: Promise<T>, backend: string): Promise<T> {
    const left = remainingMs();
    if (!Number.isFinite(left)) return work;
    if (left <= 0) return Promise.reject(ToolkitError.deadlineExceeded());
    // One promise and one timer per backend call: this runs on every cached read, and each extra
    // promise also pays the request context's async hooks.
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const cause = new Error(`${backend} did not answer before the deadline`);
        reject(ToolkitError.deadlineExceeded(undefined, { cause }));
      }, left);
      timer.unref();
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private async cachedUser(id: string): Promise<UserEntity | undefined> {
    if (!this.settings.ENABLE_USER_CACHE) return undefined;
    let raw: string | null;
    try {
      raw = await this.bounded(this.cache.get(cacheKey(id)), 'Redis');
    } catch (error) {
      this.logger.warn(
        `cache read of user ${id} failed, serving from PostgreSQL: ${reasonOf(error)}`,
      );
      return undefined;
    }
    if (raw === null) return undefined;
    const user = parseCachedUser(raw);
    if (!user) this.logger.warn(`cached user ${id} is unreadable; serving from PostgreSQL`);
    return user;
  }

  private async cacheUser(user: UserEntity): Promise<void> {
    if (!this.settings.ENABLE_USER_CACHE) return;
    try {
      await this.bounded(
        this.cache.set(cacheKey(user.id), JSON.stringify(user), this.settings.CACHE_TIMEOUT),
        'Redis',
      );
    } catch (error) {
      this.logger.warn(`caching user ${user.id} failed: ${reasonOf(error)}`);
    }
  }

  /** Invalidation runs even with the cache disabled, so re-enabling it never serves stale rows. */
  private async forget(id: string): Promise<void> {
    try {
      await this.bounded(this.cache.del(cacheKey(id)), 'Redis');
    } catch (error) {
      this.logger.warn(`removing user ${id} from the cache failed: ${reasonOf(error)}`);
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

function remainingMs(): number {
  const deadline = currentRequest()?.deadline;
  return deadline === undefined ? Infinity : deadline - Date.now();
}

function userNotFound(id: string): ToolkitError {
  return ToolkitError.notFound(`user ${id} not found`);
}

function emailTaken(email: string): ToolkitError {
  return ToolkitError.alreadyExists(`user with email ${email} already exists`);
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
