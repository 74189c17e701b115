import { CreateChat1732492800000 } from './1732492800000-create-chat';

/** chat-service migrations, oldest first. */
export const CHAT_MIGRATIONS = [CreateChat1732492800000];
