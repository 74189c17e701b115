// First: it starts tracing before the modules it instruments load (and reads .env).
import { tracing } from './tracing';
import 'reflect-metadata';
import { PLUGIN_KINDS } from './plugins';
import { StartupError } from './toolkit/config';
import { TRACING_VARIABLES } from './toolkit/tracing';
import {
  bootstrapService,
  describeServices,
  renderHelpText,
  RunningService,
  ServiceDefinition,
} from './toolkit/runtime';
import { SERVICE_DEFINITIONS } from './services';

/** `SERVICES=user-service,chat-service` (default: all registered). */
function selectServices(env: NodeJS.ProcessEnv): ServiceDefinition[] {
  const wanted = (env.SERVICES ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (wanted.length === 0) return [...SERVICE_DEFINITIONS];
  const unknown = wanted.filter(
    (name) => !SERVICE_DEFINITIONS.some((definition) => definition.name === name),
  );
  if (unknown.length > 0) {
    const known = SERVICE_DEFINITIONS.map((definition) => definition.name).join(', ') || 'none';
    throw new StartupError(
      `SERVICES names unknown services: ${unknown.join(', ')} (registered: ${known})`,
    );
  }
  return SERVICE_DEFINITIONS.filter((definition) => wanted.includes(definition.name));
}

async function main(): Promise<void> {
  const selected = selectServices(process.env);
  if (process.argv.includes('--help')) {
    process.stdout.write(
      `${renderHelpText([...describeServices(selected, PLUGIN_KINDS, process.env), TRACING_VARIABLES])}\n`,
    );
    return;
  }
  if (selected.length === 0) throw new StartupError('no services registered in src/services.ts');
  const running: RunningService[] = [];
  // One handler for the process: Nest's enableShutdownHooks would re-raise the signal after the
  // first app closed, killing the others mid-drain and exiting non-zero.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: draining ${running.length} service(s)\n`);
    Promise.all(running.map((service) => service.close()))
      // The spans of the drain itself are exported too.
      .then(() => tracing?.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(
            `shutdown failed: ${error instanceof Error ? error.stack : String(error)}\n`,
          );
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  for (const definition of selected)
    running.push(await bootstrapService(definition, { pluginKinds: PLUGIN_KINDS }));
}

// Configuration and deployment mistakes print their message alone; anything else is a bug and
// keeps its stack.
main().catch((error: unknown) => {
  if (error instanceof StartupError) process.stderr.write(`${error.message}\n`);
  else
    process.stderr.write(
      `start-up failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
  process.exit(1);
});
