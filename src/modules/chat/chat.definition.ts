import { ChatServiceDescriptor } from '../../gen/chatservice/chat-service.toolkit';
import { defineService } from '../../toolkit/runtime/define-service';
import { CHAT_MIGRATIONS } from './migrations';
import { MessageEntity } from './message.entity';
import { RoomParticipantEntity } from './room-participant.entity';
import { RoomEntity } from './room.entity';
import { ChatModule } from './chat.module';
import { chatSettingsSection } from './chat.settings';

/** chat-service as the runtime boots it: prefix CHAT_SERVICE, HTTP + WebSocket 8083, gRPC 9083 (the ports deploy/k8s and the README use). */
export const chatServiceDefinition = defineService({
  name: 'chat-service',
  envPrefix: 'CHAT_SERVICE',
  descriptor: ChatServiceDescriptor,
  module: ChatModule,
  settings: chatSettingsSection,
  plugins: {
    pgsql: {
      entities: [RoomEntity, RoomParticipantEntity, MessageEntity],
      migrations: CHAT_MIGRATIONS,
    },
  },
  defaultHttpPort: 8083,
  defaultGrpcPort: 9083,
});
