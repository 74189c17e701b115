import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ToolkitError } from '../../toolkit/errors';
import { DeliveryWorker } from './delivery/delivery.worker';
import { NotificationPage, NotificationRepository } from './notification.repository';
import {
  DeliveryPreferences,
  NewNotification,
  StoredNotification,
  isSuppressed,
} from './notification.types';
import { PreferencesService } from './preferences.service';
import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { RequestScope, scopeLogger } from '../../toolkit/runtime/request-scope';

/** Bounds of `muted_types` (the proto sets none; unbounded lists would be stored as given). */
export const MAX_MUTED_TYPES = 50;
export const MAX_MUTED_TYPE_LENGTH = 100;

/**
 * notification-service's logic: notifications are recorded `queued` (delivered by the
 * `DeliveryWorker`) or `suppressed` by the user's preferences; history; preferences updates.
 */
@Injectable()
export class NotificationService {
  private readonly logger: ToolkitLogger;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly preferences: PreferencesService,
    private readonly delivery: DeliveryWorker,
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext(NotificationService.name);
  }

  /** Records the notification and has it delivered; answers before delivery (status `queued`). */
  async send(notification: NewNotification, scope: RequestScope = {}): Promise<StoredNotification> {
    const stored = await this.record(notification, undefined, scope);
    if (stored.status === 'queued') this.delivery.wake();
    return stored;
  }

  /**
   * Records the notification through `manager` (inside the caller's transaction) without waking
   * delivery: call `deliverPending()` after the commit. `scope` is the call it serves, if any.
   */
  async record(
    notification: NewNotification,
    manager?: EntityManager,
    scope: RequestScope = {},
  ): Promise<StoredNotification> {
    const userId = notification.userId.toLowerCase();
    // Read through the caller's transaction: asking the pool for a second connection while this
    // one is held starves the pool under a burst (every handler waiting for the one after it).
    const preferences = await this.preferences.get(userId, manager, scope);
    const status = isSuppressed(preferences, notification) ? 'suppressed' : 'queued';
    const stored = await this.notifications.insert({ ...notification, userId }, status, manager);
    scopeLogger(scope, NotificationService.name, this.logger).log(
      `${notification.channel} notification ${stored.id} for ${userId}: ${status}`,
    );
    return stored;
  }

  /** Wakes delivery after a transaction that recorded notifications committed. */
  deliverPending(): void {
    this.delivery.wake();
  }

  history(
    userId: string,
    limit: number,
    offset: number,
    scope: RequestScope = {},
  ): Promise<NotificationPage> {
    return this.notifications.history(userId.toLowerCase(), limit, offset, scope);
  }

  async updatePreferences(
    userId: string,
    preferences: DeliveryPreferences,
    scope: RequestScope = {},
  ): Promise<void> {
    const mutedTypes = [...new Set(preferences.mutedTypes)];
    const invalid = mutedTypes.findIndex(
      (type) => type.length === 0 || [...type].length > MAX_MUTED_TYPE_LENGTH,
    );
    if (mutedTypes.length > MAX_MUTED_TYPES) {
      throw mutedTypesError(`at most ${MAX_MUTED_TYPES} muted types`);
    }
    if (invalid >= 0) {
      throw mutedTypesError(
        `each muted type must be 1 to ${MAX_MUTED_TYPE_LENGTH} characters long`,
        `preferences.muted_types[${invalid}]`,
      );
    }
    await this.preferences.update(userId.toLowerCase(), { ...preferences, mutedTypes }, scope);
  }
}

function mutedTypesError(description: string, field = 'preferences.muted_types'): ToolkitError {
  return ToolkitError.invalidArgument(`invalid ${field}: ${description}`, {
    violations: [{ field, description }],
  });
}
