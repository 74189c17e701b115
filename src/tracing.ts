// Loaded by main.ts before any other module: the OpenTelemetry instrumentations patch http,
// grpc-js, pg, ioredis, amqplib and pino as they are first required, so tracing starts before
// Nest or a plugin loads them. `.env` is read here for the same reason: an OTEL_* variable set
// there must count. Imports only the tracing files themselves, never the toolkit's index.
import { config as loadDotenv } from 'dotenv';
import { startTracing } from './toolkit/tracing/start-tracing';

loadDotenv({ quiet: true });

/** The started SDK when OTEL_TRACES_EXPORTER asked for it; main.ts flushes it before exit. */
export const tracing = startTracing(process.env);
