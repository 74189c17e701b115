import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A stored chat message (`chat_messages`). `seq` is the insertion order, which history follows
 * (newest first): timestamps of concurrent messages can tie, a sequence cannot.
 */
@Entity('chat_messages')
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint', select: false, insert: false, update: false })
  seq!: string;

  @Column('uuid', { name: 'room_id' })
  roomId!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  message!: string;

  @Column('text', { name: 'message_type' })
  messageType!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
