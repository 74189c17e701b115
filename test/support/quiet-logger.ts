import { createPinoLogger, ToolkitLogger } from '../../src/toolkit/runtime/toolkit-logger';

/**
 * An app logger for plugin contexts and services built outside `bootstrapService`: silent
 * unless `TEST_LOGS=true`.
 */
export function quietLogger(name = 'test'): ToolkitLogger {
  const level = process.env.TEST_LOGS === 'true' ? 'info' : 'silent';
  return new ToolkitLogger(createPinoLogger({ level, name }));
}
