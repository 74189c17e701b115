import { Module } from '@nestjs/common';
import { ActiveMembers } from './active-members';
import { ChatSockets } from './chat-socket';
import { ChatController } from './chat.controller';
import { ChatRepository } from './chat.repository';
import { ChatService } from './chat.service';

/**
 * chat-service: controller (transport), service (rooms, membership, messages), repository
 * (PostgreSQL), active members (Redis), the join socket (realtime plugin).
 */
@Module({
  controllers: [ChatController],
  providers: [ChatService, ChatRepository, ActiveMembers, ChatSockets],
})
export class ChatModule {}
