import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rooms, their participants and their messages; every table prefixed `chat_` (shared databases). */
export class CreateChat1732492800000 implements MigrationInterface {
  name = 'CreateChat1732492800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE chat_rooms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        creator_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE chat_room_participants (
        room_id uuid NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        PRIMARY KEY (room_id, user_id)
      )`);
    await runner.query(`
      CREATE TABLE chat_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        room_id uuid NOT NULL REFERENCES chat_rooms (id) ON DELETE CASCADE,
        user_id uuid NOT NULL,
        message text NOT NULL,
        message_type text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // History reads one room newest first, by page; the index serves both the order and the count.
    await runner.query(
      'CREATE INDEX chat_messages_room_seq_idx ON chat_messages (room_id, seq DESC)',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE chat_messages');
    await runner.query('DROP TABLE chat_room_participants');
    await runner.query('DROP TABLE chat_rooms');
  }
}
