import { Injectable } from '@nestjs/common';
import { Repository } from 'typeorm';
import { InjectChatServicePgsql } from '../../gen/chatservice/chat-service.toolkit';
import { DeadlineBound, PgsqlPlugin } from '../../plugins/pgsql';
import { MessageEntity } from './message.entity';
import { RoomParticipantEntity } from './room-participant.entity';
import { RoomEntity } from './room.entity';

/** Where a user stands towards a room. */
export type Membership = 'member' | 'not-member' | 'no-room';

/** A message as a member sends it; id and time are assigned when it is stored. */
export interface NewMessage {
  roomId: string;
  userId: string;
  message: string;
  messageType: string;
}

/** One page of a room's history (newest first) and how many messages the room has. */
export interface MessagePage {
  messages: MessageEntity[];
  total: number;
}

/**
 * PostgreSQL access for rooms and messages. Throws the driver's errors. Reads and the room's
 * transaction are retried within `bound`'s deadline; storing a message is not repeated (a lost
 * connection may have stored it).
 */
@Injectable()
export class ChatRepository {
  private readonly rooms: Repository<RoomEntity>;
  private readonly messages: Repository<MessageEntity>;

  constructor(@InjectChatServicePgsql() private readonly pgsql: PgsqlPlugin) {
    this.rooms = pgsql.dataSource.getRepository(RoomEntity);
    this.messages = pgsql.dataSource.getRepository(MessageEntity);
  }

  /** Creates the room and its participants in one transaction (duplicates and the creator skipped). */
  createRoom(
    name: string,
    creatorId: string,
    participantIds: readonly string[],
    bound?: DeadlineBound,
  ): Promise<RoomEntity> {
    return this.pgsql.transaction(async (manager) => {
      const room = await manager.getRepository(RoomEntity).save({ name, creatorId });
      const participants = [...new Set(participantIds)].filter((userId) => userId !== creatorId);
      if (participants.length > 0) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(RoomParticipantEntity)
          .values(participants.map((userId) => ({ roomId: room.id, userId })))
          .orIgnore()
          .execute();
      }
      return room;
    }, bound);
  }

  roomExists(roomId: string, bound?: DeadlineBound): Promise<boolean> {
    return this.pgsql.read(() => this.rooms.existsBy({ id: roomId }), bound);
  }

  /** One query: whether the room exists and whether `userId` created it or participates. */
  async membership(roomId: string, userId: string, bound?: DeadlineBound): Promise<Membership> {
    const rows = await this.pgsql.read(
      () =>
        this.pgsql.dataSource.query(
          `SELECT r.creator_id = $2
                OR EXISTS (SELECT 1 FROM chat_room_participants p
                            WHERE p.room_id = r.id AND p.user_id = $2) AS member
         FROM chat_rooms r
        WHERE r.id = $1`,
          [roomId, userId],
        ) as Promise<{ member: boolean }[]>,
      bound,
    );
    if (rows.length === 0) return 'no-room';
    return rows[0].member ? 'member' : 'not-member';
  }

  async addMessage(message: NewMessage): Promise<MessageEntity> {
    const rows = (await this.pgsql.dataSource.query(
      `INSERT INTO chat_messages (room_id, user_id, message, message_type)
       VALUES ($1, $2, $3, $4)
       RETURNING id, created_at`,
      [message.roomId, message.userId, message.message, message.messageType],
    )) as { id: string; created_at: Date | string }[];
    return this.messages.create({
      ...message,
      id: rows[0].id,
      createdAt: new Date(rows[0].created_at),
    });
  }

  /** Newest first, in the order messages were stored. */
  async history(
    roomId: string,
    limit: number,
    offset: number,
    bound?: DeadlineBound,
  ): Promise<MessagePage> {
    const [messages, total] = await this.pgsql.read(
      () =>
        this.messages
          .createQueryBuilder('message')
          .where('message.room_id = :roomId', { roomId })
          .orderBy('message.seq', 'DESC')
          .take(limit)
          .skip(offset)
          .getManyAndCount(),
      bound,
    );
    return { messages, total };
  }
}
