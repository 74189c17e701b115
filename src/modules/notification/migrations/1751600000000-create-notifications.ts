import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * notification-service's tables. Names start with `notification` so that services sharing one
 * (embedded) database never collide.
 * - `notifications`: history and the delivery queue (status queued → sent | failed, or suppressed).
 * - `notification_preferences`: one row per user who changed the defaults.
 * - `notification_contacts`: the email user-service last announced for a user.
 * - `notification_processed_messages`: AMQP message ids already handled (idempotent consumers).
 */
export class CreateNotifications1751600000000 implements MigrationInterface {
  name = 'CreateNotifications1751600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        user_id uuid NOT NULL,
        type text NOT NULL,
        subject text NOT NULL,
        message text NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        claimed_until timestamptz NULL,
        failure_reason text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz NULL
      )`);
    // History pages: one user's notifications, newest first (seq breaks ties within a transaction).
    await runner.query(
      'CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, seq DESC)',
    );
    // The delivery worker's scan: only queued rows, by due time.
    await runner.query(
      `CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status = 'queued'`,
    );
    await runner.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY,
        email_enabled boolean NOT NULL,
        sms_enabled boolean NOT NULL,
        push_enabled boolean NOT NULL,
        muted_types text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE notification_contacts (
        user_id uuid PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE notification_processed_messages (
        message_id text PRIMARY KEY,
        event text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE notification_processed_messages');
    await runner.query('DROP TABLE notification_contacts');
    await runner.query('DROP TABLE notification_preferences');
    await runner.query('DROP TABLE notifications');
  }
}
