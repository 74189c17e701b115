import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** `notification_processed_messages`: the AMQP message ids whose effects are committed. */
@Injectable()
export class ProcessedMessageRepository {
  /**
   * Records `messageId` inside the caller's transaction; false when it was already recorded (the
   * message is a duplicate). A concurrent transaction recording the same id blocks this one on the
   * primary key until it ends, so exactly one of them sees true.
   */
  async record(manager: EntityManager, messageId: string, event: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO notification_processed_messages (message_id, event) VALUES ($1, $2)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [messageId, event],
    );
    return rows.length === 1;
  }
}
