import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A chat room (`chat_rooms`). Its creator may always join and post; other members are listed in
 * `chat_room_participants`. The schema is owned by the migrations in ./migrations.
 */
@Entity('chat_rooms')
export class RoomEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('uuid', { name: 'creator_id' })
  creatorId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
