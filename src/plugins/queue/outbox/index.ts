export * from './outbox.entity';
export * from './outbox.migration';
export * from './outbox.relay';
export * from './outbox.writer';
export { DEFAULT_OUTBOX_TABLE } from './outbox-table';
