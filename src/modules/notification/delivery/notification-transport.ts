import { NotificationChannel } from '../notification.types';

/** One notification on its way out, with the recipient resolved where the channel needs one. */
export interface Delivery {
  notificationId: string;
  userId: string;
  channel: NotificationChannel;
  subject: string;
  message: string;
  metadata: Readonly<Record<string, string>>;
  /** The email address (email channel only). */
  recipient?: string;
}

/** Sends deliveries of one channel. Rejects on failure; `PermanentDeliveryError` stops retries. */
export interface NotificationTransport {
  /** For logs, e.g. `smtp mail.example.com:587` or `log`. */
  readonly description: string;
  deliver(delivery: Delivery): Promise<void>;
  /** Releases connections (shutdown). */
  close?(): void;
}

/** A failure that no retry can fix (bad recipient, request refused): the notification fails now. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** Injection token of the channel → transport table. */
export const NOTIFICATION_TRANSPORTS = Symbol('notification:transports');

/** The transport of every channel. */
export type NotificationTransports = Readonly<Record<NotificationChannel, NotificationTransport>>;
