import { createPinoLogger, ToolkitLogger } from '../../src/toolkit/runtime/toolkit-logger';

/**
 * An app logger for plugin contexts and services built outside `bootstrapService`: silent
 * unless `TEST_LOGS=true`.
 */
export function quietLogger(name = 'test'): ToolkitLogger {
  const level = process.env.TEST_LOGS === 'true' ? 'info' : 'silent';
  return new ToolkitLogger(createPinoLogger({ level, name }));
}

/** An app logger that keeps its JSON lines in `lines` (parsed), for asserting what was logged. */
export function recordingLogger(name = 'test'): {
  logger: ToolkitLogger;
  lines: { level: number; msg: string }[];
} {
  const lines: { level: number; msg: string }[] = [];
  const destination = {
    write(line: string): void {
      lines.push(JSON.parse(line) as { level: number; msg: string });
    },
  };
  return {
    logger: new ToolkitLogger(createPinoLogger({ level: 'info', name, destination })),
    lines,
  };
}
