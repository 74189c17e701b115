import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectChatServiceCache } from '../../gen/chatservice/chat-service.toolkit';
import { CachePlugin } from '../../plugins/cache';
import type { ServiceConfigService } from '../../toolkit/runtime/service-config-service';
import { errorReason } from '../../toolkit/errors';
import { ChatSettings } from './chat.settings';
import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';

/** One active member of a room and how many sockets it has joined with, across instances. */
export interface ActiveMember {
  userId: string;
  connections: number;
}

/** Key of a room's active members, under the cache plugin's key prefix. */
export function activeMembersKey(roomId: string): string {
  return `room:${roomId}:active`;
}

/**
 * Who is in a room right now: a sorted set per room (`room:<id>:active`) whose members are user
 * ids scored by their open sockets on every instance. A join adds one, a leave removes one and, in
 * the same MULTI, drops users left at zero, so a concurrent join can never be erased.
 *
 * Presence is advisory: a Redis failure is logged and never refuses a join or a message.
 */
@Injectable()
export class ActiveMembers {
  private readonly logger: ToolkitLogger;

  constructor(
    @InjectChatServiceCache() private readonly cache: CachePlugin,
    @Inject(ConfigService) private readonly config: ServiceConfigService<ChatSettings>,
    logger: ToolkitLogger,
  ) {
    this.logger = logger.forContext(ActiveMembers.name);
  }

  async joined(roomId: string, userId: string): Promise<void> {
    const key = activeMembersKey(roomId);
    await this.update('join', roomId, () =>
      this.cache.client
        .multi()
        .zincrby(key, 1, userId)
        .pexpire(key, this.config.get('ACTIVE_MEMBERS_TTL', { infer: true }))
        .exec(),
    );
  }

  async left(roomId: string, userId: string): Promise<void> {
    const key = activeMembersKey(roomId);
    await this.update('leave', roomId, () =>
      this.cache.client.multi().zincrby(key, -1, userId).zremrangebyscore(key, '-inf', 0).exec(),
    );
  }

  /** The room's active members, most connected first; empty when Redis cannot tell. */
  async list(roomId: string): Promise<ActiveMember[]> {
    try {
      const flat = await this.cache.client.zrevrange(activeMembersKey(roomId), 0, -1, 'WITHSCORES');
      const members: ActiveMember[] = [];
      for (let index = 0; index < flat.length; index += 2) {
        members.push({ userId: flat[index], connections: Number(flat[index + 1]) });
      }
      return members;
    } catch (error) {
      this.logger.warn(`reading active members of room ${roomId} failed: ${errorReason(error)}`);
      return [];
    }
  }

  private async update(
    what: string,
    roomId: string,
    transaction: () => Promise<[error: Error | null, result: unknown][] | null>,
  ): Promise<void> {
    try {
      const results = (await transaction()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0];
    } catch (error) {
      this.logger.warn(`recording ${what} of room ${roomId} failed: ${errorReason(error)}`);
    }
  }
}
