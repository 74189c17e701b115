import {
  GetNotificationHistoryRequest,
  GetNotificationHistoryResponse,
  NotificationServiceController,
  SendNotificationRequest,
  SendNotificationResponse,
  UpdateNotificationPreferencesRequest,
  UpdateNotificationPreferencesResponse,
} from '../../gen/notificationservice/notification-service';
import {
  NotificationServiceDescriptor,
  NotificationServiceRpc,
} from '../../gen/notificationservice/notification-service.toolkit';
import { ToolkitError } from '../../toolkit/errors';
import { Call, CallContext } from '../../toolkit/pipeline';
import { RequestMessage, ToolkitController } from '../../toolkit/transport';
import { toNotificationMessage } from './notification.message-mapper';
import { NotificationService } from './notification.service';
import { isNotificationChannel } from './notification.types';

/**
 * Transport only: each method serves its rpc on gRPC and its google.api.http route, receives the
 * request message validated by the proto's rules and maps it onto the service; the call goes along
 * as the service's `RequestScope` (its deadline, its logger).
 */
@ToolkitController(NotificationServiceDescriptor)
export class NotificationController implements NotificationServiceController {
  constructor(private readonly notifications: NotificationService) {}

  /** Answers once the notification is recorded: `queued` (delivery follows) or `suppressed`. */
  @NotificationServiceRpc('SendNotification')
  async sendNotification(
    @RequestMessage() request: SendNotificationRequest,
    @Call() call?: CallContext,
  ): Promise<SendNotificationResponse> {
    // The proto's `in` rule already limits type; the guard narrows it for the compiler.
    if (!isNotificationChannel(request.type)) {
      throw ToolkitError.invalidArgument(`unknown notification type ${request.type}`);
    }
    const stored = await this.notifications.send(
      {
        userId: request.user_id,
        channel: request.type,
        subject: request.subject,
        message: request.message,
        metadata: request.metadata,
      },
      call,
    );
    return { notification_id: stored.id, status: stored.status };
  }

  @NotificationServiceRpc('GetNotificationHistory')
  async getNotificationHistory(
    @RequestMessage() request: GetNotificationHistoryRequest,
    @Call() call?: CallContext,
  ): Promise<GetNotificationHistoryResponse> {
    const { user_id: userId, limit, offset } = request;
    const page = await this.notifications.history(userId, limit, offset, call);
    return { notifications: page.notifications.map(toNotificationMessage), total: page.total };
  }

  /** Replaces the user's preferences; `preferences` is required (absent would mean "all off"). */
  @NotificationServiceRpc('UpdateNotificationPreferences')
  async updateNotificationPreferences(
    @RequestMessage() request: UpdateNotificationPreferencesRequest,
    @Call() call?: CallContext,
  ): Promise<UpdateNotificationPreferencesResponse> {
    const { preferences } = request;
    if (preferences === undefined || preferences === null) {
      throw ToolkitError.invalidArgument('invalid preferences: value is required', {
        violations: [{ field: 'preferences', description: 'value is required' }],
      });
    }
    await this.notifications.updatePreferences(
      request.user_id,
      {
        emailEnabled: preferences.email_enabled,
        smsEnabled: preferences.sms_enabled,
        pushEnabled: preferences.push_enabled,
        mutedTypes: preferences.muted_types,
      },
      call,
    );
    return { status: 'updated' };
  }
}
