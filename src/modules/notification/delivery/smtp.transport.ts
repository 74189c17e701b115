import { Transporter, createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { Delivery, NotificationTransport, PermanentDeliveryError } from './notification-transport';

/** Where and how to reach the SMTP server. */
export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  timeoutMs: number;
}

/**
 * Email over SMTP (nodemailer, pooled connections). A 5xx reply (mailbox unknown, message
 * refused) is permanent; connection problems and 4xx replies are worth a retry.
 */
export class SmtpTransport implements NotificationTransport {
  readonly description: string;
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(private readonly options: SmtpOptions) {
    this.description = `smtp ${options.host}:${options.port}`;
    this.transporter = createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: options.user === undefined ? undefined : { user: options.user, pass: options.password },
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    });
  }

  async deliver(delivery: Delivery): Promise<void> {
    if (delivery.recipient === undefined) {
      throw new PermanentDeliveryError(`no email address known for user ${delivery.userId}`);
    }
    try {
      // One address object and an explicit envelope: the recipient is never parsed as a list,
      // so an address string can never fan out to several mailboxes.
      await this.transporter.sendMail({
        from: this.options.from,
        to: { name: '', address: delivery.recipient },
        envelope: { from: this.options.from, to: [delivery.recipient] },
        subject: delivery.subject,
        text: delivery.message,
        headers: { 'X-Notification-Id': delivery.notificationId },
      });
    } catch (error) {
      const responseCode: unknown =
        typeof error === 'object' && error !== null
          ? Reflect.get(error, 'responseCode')
          : undefined;
      const reason = error instanceof Error ? error.message : String(error);
      if (typeof responseCode === 'number' && responseCode >= 500) {
        throw new PermanentDeliveryError(`SMTP refused the message: ${reason}`);
      }
      throw error;
    }
  }

  close(): void {
    this.transporter.close();
  }
}
