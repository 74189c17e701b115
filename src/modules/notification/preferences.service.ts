import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { InjectNotificationServiceCache } from '../../gen/notificationservice/notification-service.toolkit';
import { CachePlugin } from '../../plugins/cache';
import { InjectServiceSettings } from '../../toolkit/runtime/tokens';
import { errorReason } from '../../toolkit/errors';
import { NotificationSettings } from './notification.settings';
import { DEFAULT_PREFERENCES, DeliveryPreferences } from './notification.types';
import { PreferencesRepository } from './preferences.repository';
import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { RequestScope } from '../../toolkit/runtime/request-scope';

/** Cache key of a user's preferences (under the cache plugin's key prefix). */
export function preferencesCacheKey(userId: string): string {
  return `notification-preferences:${userId}`;
}

/**
 * Users' delivery preferences, cache-aside in Redis (`notification-preferences:<user_id>`,
 * PREFERENCES_CACHE_TIMEOUT) over PostgreSQL. Defaults are cached too, so users who never changed
 * them cost no query. Redis failures are warnings: PostgreSQL answers.
 */
@Injectable()
export class PreferencesService {
  private readonly logger: ToolkitLogger;

  constructor(
    private readonly repository: PreferencesRepository,
    @InjectNotificationServiceCache() private readonly cache: CachePlugin,
    @InjectServiceSettings() private readonly settings: NotificationSettings,
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext(PreferencesService.name);
  }

  /** With `manager`, a cache miss reads inside that transaction (on its connection). */
  async get(
    userId: string,
    manager?: EntityManager,
    scope: RequestScope = {},
  ): Promise<DeliveryPreferences> {
    const cached = await this.cached(userId);
    if (cached) return cached;
    const preferences = (await this.repository.find(userId, manager, scope)) ?? DEFAULT_PREFERENCES;
    try {
      await this.cache.set(
        preferencesCacheKey(userId),
        JSON.stringify(preferences),
        this.settings.PREFERENCES_CACHE_TIMEOUT,
      );
    } catch (error) {
      this.logger.warn(`caching preferences of ${userId} failed: ${errorReason(error)}`);
    }
    return preferences;
  }

  /** Stores the preferences, then drops the cached copy so the next read sees them. */
  async update(
    userId: string,
    preferences: DeliveryPreferences,
    scope: RequestScope = {},
  ): Promise<void> {
    await this.repository.save(userId, preferences, scope);
    try {
      await this.cache.del(preferencesCacheKey(userId));
    } catch (error) {
      // The stale copy lives at most PREFERENCES_CACHE_TIMEOUT; the update itself is committed.
      this.logger.warn(`invalidating preferences of ${userId} failed: ${errorReason(error)}`);
    }
  }

  private async cached(userId: string): Promise<DeliveryPreferences | undefined> {
    let raw: string | null;
    try {
      raw = await this.cache.get(preferencesCacheKey(userId));
    } catch (error) {
      this.logger.warn(`cache read of preferences of ${userId} failed: ${errorReason(error)}`);
      return undefined;
    }
    return raw === null ? undefined : parsePreferences(raw);
  }
}

/** A cached value, or undefined when it is not the shape this version writes. */
export function parsePreferences(raw: string): DeliveryPreferences | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const { emailEnabled, smsEnabled, pushEnabled, mutedTypes } = value as Record<string, unknown>;
    if (
      typeof emailEnabled !== 'boolean' ||
      typeof smsEnabled !== 'boolean' ||
      typeof pushEnabled !== 'boolean' ||
      !Array.isArray(mutedTypes) ||
      !mutedTypes.every((type): type is string => typeof type === 'string')
    ) {
      return undefined;
    }
    return { emailEnabled, smsEnabled, pushEnabled, mutedTypes };
  } catch {
    return undefined;
  }
}
