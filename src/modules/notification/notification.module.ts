import { Module } from '@nestjs/common';
import { ContactRepository } from './contact.repository';
import { DeliveryWorker } from './delivery/delivery.worker';
import { notificationTransportsProvider } from './delivery/transports';
import { NotificationController } from './notification.controller';
import { NotificationEventsConsumer } from './notification.events';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService } from './preferences.service';
import { ProcessedMessageRepository } from './processed-message.repository';

/**
 * notification-service: controller (transport), event consumers, service (logic), preferences
 * (cache-aside), repositories (PostgreSQL), and the delivery worker with its transports.
 */
@Module({
  controllers: [NotificationController],
  providers: [
    NotificationService,
    NotificationEventsConsumer,
    PreferencesService,
    NotificationRepository,
    PreferencesRepository,
    ContactRepository,
    ProcessedMessageRepository,
    DeliveryWorker,
    notificationTransportsProvider,
  ],
})
export class NotificationModule {}
