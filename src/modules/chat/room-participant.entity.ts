import { Entity, PrimaryColumn } from 'typeorm';

/** One participant of one room (`chat_room_participants`); the creator needs no row here. */
@Entity('chat_room_participants')
export class RoomParticipantEntity {
  @PrimaryColumn('uuid', { name: 'room_id' })
  roomId!: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId!: string;
}
