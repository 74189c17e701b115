import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SignJWT } from 'jose';
import { SERVICE_DEFINITIONS } from '../src/services';
import { createNamespace, dropNamespace, seedUsers, tableExists } from './lib/backends';
import { runLoad } from './lib/load-client';
import {
  countLogLines,
  freePort,
  rssMiB,
  ServerProcess,
  startServer,
  stopServer,
} from './lib/processes';
import { summarizeProfiles } from './lib/profile-summary';
import {
  GoalCheck,
  ProcessFacts,
  renderGoals,
  renderProcesses,
  renderTable,
  rowsOf,
  RunRecord,
  ScenarioRow,
  Variant,
} from './lib/report';
import { LoadJob } from './load/jobs';

/**
 * `npm run bench`: the project against hand-written baselines, interleaved, in one run.
 * `npm run bench -- --profile`: user-service alone under --cpu-prof during cached GET and gRPC
 * load, then a summary of where its CPU goes by toolkit layer. See bench/README.md.
 */

const BUILD_ROOT = join(__dirname, '..');
const REPOSITORY_ROOT = join(BUILD_ROOT, '..', '..');
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const MAIN = join(BUILD_ROOT, 'src', 'main.js');
const BASELINES = join(__dirname, 'baselines');

function listEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  return raw ? raw.split(',').map((part) => Number.parseInt(part, 10)) : fallback;
}
function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  return raw ? Number(raw) : fallback;
}

const SETTINGS = {
  durationSeconds: numberEnv('BENCH_DURATION', 5),
  firstWarmupSeconds: numberEnv('BENCH_WARMUP', 3),
  warmupSeconds: numberEnv('BENCH_REWARMUP', 1),
  connections: listEnv('BENCH_CONNECTIONS', [10, 50]),
  rounds: numberEnv('BENCH_ROUNDS', 2),
  seedUsers: 1000,
  hotUsers: 200,
  fanOutSockets: 200,
  fanOutSenders: 4,
  profileSeconds: numberEnv('BENCH_PROFILE_DURATION', 15),
  keepLogs: process.env.BENCH_KEEP_LOGS === '1',
};

const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const registered = (name: string): boolean =>
  SERVICE_DEFINITIONS.some((definition) => definition.name === name);

interface Ports {
  userHttp: number;
  userGrpc: number;
}

function userServiceEnv(
  namespace: { database: string; redisPrefix: string; exchange: string },
  ports: Ports,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    SERVICES: 'user-service',
    USER_SERVICE_SERVER_HOST: '127.0.0.1',
    USER_SERVICE_SERVER_PORT: String(ports.userHttp),
    USER_SERVICE_GRPC_SERVER_HOST: '127.0.0.1',
    USER_SERVICE_GRPC_SERVER_PORT: String(ports.userGrpc),
    USER_SERVICE_LOG_LEVEL: 'info',
    USER_SERVICE_ENABLE_METRICS: 'true',
    USER_SERVICE_PGSQL_HOST: '127.0.0.1',
    USER_SERVICE_PGSQL_USERNAME: 'postgres',
    USER_SERVICE_PGSQL_DATABASE: namespace.database,
    USER_SERVICE_CACHE_HOST: '127.0.0.1',
    USER_SERVICE_CACHE_KEY_PREFIX: `${namespace.redisPrefix}project:`,
    USER_SERVICE_QUEUE_HOST: '127.0.0.1',
    USER_SERVICE_QUEUE_EXCHANGE: namespace.exchange,
  };
}

async function signToken(): Promise<string> {
  return new SignJWT({ roles: ['user'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(randomUUID())
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.json() };
}

/** The baseline must answer exactly what the project answers, or the comparison is void. */
async function checkSameAnswer(
  label: string,
  baselineUrl: string,
  projectUrl: string,
  headers?: Record<string, string>,
): Promise<string | undefined> {
  const [baseline, project] = await Promise.all([
    getJson(baselineUrl, headers),
    getJson(projectUrl, headers),
  ]);
  if (isDeepStrictEqual(baseline, project)) return undefined;
  return `${label}: baseline and project answers differ:\n  baseline ${JSON.stringify(baseline)}\n  project  ${JSON.stringify(project)}`;
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  if (process.argv.includes('--profile')) return profile();
  const startedAt = Date.now();
  const logDirectory = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  const namespace = await createNamespace();
  log(
    `database ${namespace.database}, Redis prefix ${namespace.redisPrefix}, exchange ${namespace.exchange}`,
  );
  const servers: ServerProcess[] = [];
  const notes: string[] = [];
  try {
    const ports: Ports = { userHttp: await freePort(), userGrpc: await freePort() };
    const userService = await startServer({
      name: 'project user-service',
      script: MAIN,
      env: userServiceEnv(namespace, ports),
      readiness: { httpUrl: `http://127.0.0.1:${ports.userHttp}/_healthz/readiness` },
      logDirectory,
    });
    servers.push(userService);
    const ids = await seedUsers(namespace, SETTINGS.seedUsers);
    const hotIds = ids.slice(0, SETTINGS.hotUsers);
    const outbox = (await tableExists(namespace, 'user_outbox')) ? 'user_outbox' : '';
    notes.push(
      outbox
        ? 'user-service writes an outbox row per create; the POST baseline does too (no relay).'
        : 'user-service has no outbox table at run time; the POST baseline writes none.',
    );

    const baselineEnv = (port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      ...process.env,
      NODE_ENV: 'production',
      BENCH_PORT: String(port),
      BENCH_PG_DATABASE: namespace.database,
      BENCH_REDIS_PREFIX: `${namespace.redisPrefix}baseline:`,
      ...extra,
    });
    const baselineHttpPort = await freePort();
    const baselineHttp = await startServer({
      name: 'baseline http (fastify+ioredis+pg)',
      script: join(BASELINES, 'http-server.js'),
      env: baselineEnv(baselineHttpPort, { BENCH_OUTBOX_TABLE: outbox }),
      readiness: { httpUrl: `http://127.0.0.1:${baselineHttpPort}/_healthz/readiness` },
      logDirectory,
    });
    servers.push(baselineHttp);
    const baselineGrpcPort = await freePort();
    const baselineGrpc = await startServer({
      name: 'baseline grpc (grpc-js)',
      script: join(BASELINES, 'grpc-server.js'),
      env: baselineEnv(baselineGrpcPort),
      readiness: { tcpPort: baselineGrpcPort },
      logDirectory,
    });
    servers.push(baselineGrpc);

    let gateways: { baselineUrl: string; projectUrl: string; token: string } | undefined;
    if (registered('api-gateway')) {
      const gatewayPort = await freePort();
      const nowhere = await freePort();
      const projectGateway = await startServer({
        name: 'project api-gateway',
        script: MAIN,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          SERVICES: 'api-gateway',
          API_GATEWAY_SERVER_HOST: '127.0.0.1',
          API_GATEWAY_SERVER_PORT: String(gatewayPort),
          API_GATEWAY_LOG_LEVEL: 'info',
          API_GATEWAY_ENABLE_METRICS: 'true',
          API_GATEWAY_RESOLVER_ENDPOINTS: `user-service=127.0.0.1:${ports.userGrpc},notification-service=127.0.0.1:${nowhere},chat-service=127.0.0.1:${nowhere}`,
          API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${nowhere}`,
          API_GATEWAY_CACHE_HOST: '127.0.0.1',
          API_GATEWAY_CACHE_KEY_PREFIX: `${namespace.redisPrefix}project-gateway:`,
          API_GATEWAY_AUTH_JWT_SECRET: JWT_SECRET,
          API_GATEWAY_RATE_LIMIT_REQUESTS: '1000000000',
          API_GATEWAY_RATE_LIMIT_WINDOW: '1m',
        },
        readiness: { httpUrl: `http://127.0.0.1:${gatewayPort}/_healthz/liveness` },
        logDirectory,
      });
      servers.push(projectGateway);
      const baselineGatewayPort = await freePort();
      servers.push(
        await startServer({
          name: 'baseline gateway (fastify+jose+grpc-js)',
          script: join(BASELINES, 'gateway-server.js'),
          env: baselineEnv(baselineGatewayPort, {
            BENCH_REDIS_PREFIX: `${namespace.redisPrefix}baseline-gateway:`,
            BENCH_JWT_SECRET: JWT_SECRET,
            BENCH_BACKEND_TARGET: `127.0.0.1:${ports.userGrpc}`,
          }),
          readiness: { httpUrl: `http://127.0.0.1:${baselineGatewayPort}/_healthz/readiness` },
          logDirectory,
        }),
      );
      gateways = {
        baselineUrl: `http://127.0.0.1:${baselineGatewayPort}`,
        projectUrl: `http://127.0.0.1:${gatewayPort}`,
        token: await signToken(),
      };
    }

    let chatUrl: string | undefined;
    let chatProblem = 'chat-service is not registered in src/services.ts';
    if (registered('chat-service')) {
      try {
        const chatHttp = await freePort();
        const chatGrpc = await freePort();
        const chat = await startServer({
          name: 'project chat-service',
          script: MAIN,
          env: {
            ...process.env,
            NODE_ENV: 'production',
            SERVICES: 'chat-service',
            CHAT_SERVICE_SERVER_HOST: '127.0.0.1',
            CHAT_SERVICE_SERVER_PORT: String(chatHttp),
            CHAT_SERVICE_GRPC_SERVER_HOST: '127.0.0.1',
            CHAT_SERVICE_GRPC_SERVER_PORT: String(chatGrpc),
            CHAT_SERVICE_LOG_LEVEL: 'info',
            CHAT_SERVICE_PGSQL_HOST: '127.0.0.1',
            CHAT_SERVICE_PGSQL_USERNAME: 'postgres',
            CHAT_SERVICE_PGSQL_DATABASE: namespace.database,
            CHAT_SERVICE_CACHE_HOST: '127.0.0.1',
            CHAT_SERVICE_CACHE_KEY_PREFIX: `${namespace.redisPrefix}chat:`,
            CHAT_SERVICE_REALTIME_HOST: '127.0.0.1',
            CHAT_SERVICE_REALTIME_CHANNEL_PREFIX: `${namespace.redisPrefix}chat-realtime:`,
          },
          readiness: { httpUrl: `http://127.0.0.1:${chatHttp}/_healthz/readiness` },
          logDirectory,
        });
        servers.push(chat);
        chatUrl = `http://127.0.0.1:${chatHttp}`;
      } catch (error) {
        chatProblem = `chat-service did not start: ${error instanceof Error ? error.message.split('\n').slice(0, 2).join(' ') : String(error)}`;
      }
    }

    const projectHttpUrl = `http://127.0.0.1:${ports.userHttp}`;
    const baselineHttpUrl = `http://127.0.0.1:${baselineHttpPort}`;
    const mismatches = [
      await checkSameAnswer(
        'GET /users/{id}',
        `${baselineHttpUrl}/users/${hotIds[0]}`,
        `${projectHttpUrl}/users/${hotIds[0]}`,
      ),
      gateways &&
        (await checkSameAnswer(
          'gateway GET /api/v1/users/{id}',
          `${gateways.baselineUrl}/api/v1/users/${hotIds[0]}`,
          `${gateways.projectUrl}/api/v1/users/${hotIds[0]}`,
          {
            authorization: `Bearer ${gateways.token}`,
          },
        )),
    ].filter((mismatch): mismatch is string => typeof mismatch === 'string');
    for (const mismatch of mismatches) log(mismatch);
    notes.push(...mismatches);

    type JobFor = (variant: Variant, connections: number, warmupSeconds: number) => LoadJob;
    const timed = (connections: number, warmupSeconds: number) => ({
      connections,
      durationSeconds: SETTINGS.durationSeconds,
      warmupSeconds,
    });
    const scenarios: { name: string; job?: JobFor; skipped?: string }[] = [
      {
        name: 'cached GET /users/{id} (HTTP)',
        job: (variant, connections, warmupSeconds) => ({
          kind: 'http-get',
          baseUrl: variant === 'project' ? projectHttpUrl : baselineHttpUrl,
          pathPrefix: '/users/',
          ids: hotIds,
          ...timed(connections, warmupSeconds),
        }),
      },
      {
        name: 'UserService/GetUser (gRPC)',
        job: (variant, connections, warmupSeconds) => ({
          kind: 'grpc-get',
          target: `127.0.0.1:${variant === 'project' ? ports.userGrpc : baselineGrpcPort}`,
          ids: hotIds,
          ...timed(connections, warmupSeconds),
        }),
      },
      {
        name: 'POST /users (DB write + outbox)',
        job: (variant, connections, warmupSeconds) => ({
          kind: 'http-create',
          baseUrl: variant === 'project' ? projectHttpUrl : baselineHttpUrl,
          ...timed(connections, warmupSeconds),
        }),
      },
      gateways
        ? {
            name: 'gateway GET /api/v1/users/{id} (JWT + rate limit + proxy)',
            job: (variant, connections, warmupSeconds) => ({
              kind: 'http-get',
              baseUrl: variant === 'project' ? gateways.projectUrl : gateways.baselineUrl,
              pathPrefix: '/api/v1/users/',
              ids: hotIds,
              headers: { authorization: `Bearer ${gateways.token}` },
              ...timed(connections, warmupSeconds),
            }),
          }
        : {
            name: 'gateway GET /api/v1/users/{id} (JWT + rate limit + proxy)',
            skipped: 'api-gateway is not registered in src/services.ts',
          },
    ];

    const records: RunRecord[] = [];
    const rows: ScenarioRow[] = [];
    for (const scenario of scenarios) {
      if (!scenario.job) {
        log(`SKIPPED ${scenario.name}: ${scenario.skipped}`);
        rows.push({ scenario: scenario.name, connections: 0, skipped: scenario.skipped });
        continue;
      }
      const warmed = new Set<Variant>();
      for (const connections of SETTINGS.connections) {
        for (let round = 1; round <= SETTINGS.rounds; round += 1) {
          for (const variant of ['baseline', 'project'] as const) {
            const warmup = warmed.has(variant)
              ? SETTINGS.warmupSeconds
              : SETTINGS.firstWarmupSeconds;
            warmed.add(variant);
            const result = await runLoad(scenario.job(variant, connections, warmup));
            log(
              `${scenario.name} c=${connections} round ${round} ${variant}: ${result.rps.toFixed(0)} rps, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}`,
            );
            records.push({ scenario: scenario.name, variant, connections, round, result });
          }
        }
      }
      rows.push(...rowsOf(scenario.name, records, SETTINGS.connections));
    }

    const fanOutName = `WebSocket fan-out (${SETTINGS.fanOutSockets} sockets, chat-service)`;
    if (chatUrl) {
      try {
        const result = await runLoad({
          kind: 'ws-fanout',
          baseUrl: chatUrl,
          sockets: SETTINGS.fanOutSockets,
          connections: SETTINGS.fanOutSenders,
          durationSeconds: SETTINGS.durationSeconds,
          warmupSeconds: SETTINGS.warmupSeconds,
        });
        log(
          `${fanOutName}: ${result.deliveriesPerSecond?.toFixed(0)} deliveries/s (${result.rps.toFixed(0)} messages/s sent)`,
        );
        records.push({
          scenario: fanOutName,
          variant: 'project',
          connections: SETTINGS.fanOutSenders,
          round: 1,
          result,
        });
        rows.push(...rowsOf(fanOutName, records, [SETTINGS.fanOutSenders]));
      } catch (error) {
        const reason = `failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        log(`${fanOutName} ${reason}`);
        rows.push({ scenario: fanOutName, connections: 0, skipped: reason });
      }
    } else {
      log(`SKIPPED ${fanOutName}: ${chatProblem}`);
      rows.push({ scenario: fanOutName, connections: 0, skipped: chatProblem });
    }

    const metricsText = await (await fetch(`${projectHttpUrl}/metrics`)).text();
    const metricsOn = /toolkit_requests_total\{[^}]*\} [1-9]/.test(metricsText);
    const facts: ProcessFacts[] = servers.map((server) => ({
      name: server.name,
      startupMs: server.startupMs,
      rssAfterLoadMiB: rssMiB(server),
      logLines: 0,
    }));
    await Promise.all(servers.map((server) => stopServer(server)));
    servers.forEach(
      (server, index) => (facts[index].logLines = countLogLines(server, SETTINGS.keepLogs)),
    );

    const goals = checkGoals(rows, facts, metricsOn);
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    const output = [
      `## Bench ${new Date().toISOString()} (${SETTINGS.rounds} interleaved rounds × ${SETTINGS.durationSeconds} s per run; node ${process.version})`,
      '',
      renderTable(rows),
      '',
      renderGoals(goals),
      '',
      renderProcesses(facts),
      '',
      ...notes.map((note) => `- ${note}`),
      `- Total bench time ${elapsedSeconds.toFixed(0)} s (without compilation).`,
    ].join('\n');
    process.stdout.write(`${output}\n`);
    writeFileSync(
      join(RESULTS, 'latest.json'),
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, settings: SETTINGS, rows, goals, processes: facts, notes, runs: records, elapsedSeconds }, null, 2)}\n`,
    );
  } finally {
    await Promise.all(servers.map((server) => stopServer(server)));
    for (const problem of await dropNamespace(namespace)) log(problem);
    if (!SETTINGS.keepLogs) rmSync(logDirectory, { recursive: true, force: true });
    else log(`logs kept in ${logDirectory}`);
  }
}

function checkGoals(rows: ScenarioRow[], facts: ProcessFacts[], metricsOn: boolean): GoalCheck[] {
  const goals: GoalCheck[] = [];
  const find = (prefix: string) =>
    rows.filter((row) => row.scenario.startsWith(prefix) && !row.skipped);
  const fixed = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));
  for (const row of find('cached GET')) {
    goals.push({
      goal: 'cached GET: rps ≥ 0.85× plain Fastify',
      connections: row.connections,
      measured: `${fixed(row.rpsRatio)}×`,
      met: (row.rpsRatio ?? 0) >= 0.85,
    });
    goals.push({
      goal: 'cached GET: p99 ≤ 1.3× plain Fastify',
      connections: row.connections,
      measured: `${fixed(row.p99Ratio)}×`,
      met: (row.p99Ratio ?? Infinity) <= 1.3,
    });
  }
  for (const row of find('UserService/GetUser')) {
    goals.push({
      goal: 'gRPC GetUser: rps ≥ 0.9× plain grpc-js',
      connections: row.connections,
      measured: `${fixed(row.rpsRatio)}×`,
      met: (row.rpsRatio ?? 0) >= 0.9,
    });
  }
  const direct = find('cached GET');
  for (const row of find('gateway')) {
    const backend = direct.find((candidate) => candidate.connections === row.connections)?.project
      ?.rps;
    const hop = backend && row.project ? row.project.rps / backend : undefined;
    goals.push({
      goal: 'gateway hop: rps ≥ 0.5× direct backend (project GET /users/{id})',
      connections: row.connections,
      measured: `${fixed(hop)}×`,
      met: (hop ?? 0) >= 0.5,
    });
    goals.push({
      goal: 'gateway: rps ≥ 0.85× plain gateway',
      connections: row.connections,
      measured: `${fixed(row.rpsRatio)}×`,
      met: (row.rpsRatio ?? 0) >= 0.85,
    });
  }
  if (find('gateway').length === 0)
    goals.push({
      goal: 'gateway goals',
      measured: 'skipped: api-gateway not registered',
      met: false,
    });
  const projectLogged = facts
    .filter((fact) => fact.name.startsWith('project'))
    .every((fact) => fact.logLines > 0);
  goals.push({
    goal: 'logging at info and metrics on during measurement',
    measured: `project log lines ${facts
      .filter((fact) => fact.name.startsWith('project'))
      .map((fact) => fact.logLines)
      .join(', ')}; toolkit_requests_total ${metricsOn ? 'counting' : 'NOT counting'}`,
    met: projectLogged && metricsOn,
  });
  return goals;
}

/** user-service under --cpu-prof, one fresh process per phase (cached GET, then gRPC GetUser). */
async function profile(): Promise<void> {
  const profileDirectory = join(RESULTS, 'profiles');
  rmSync(profileDirectory, { recursive: true, force: true });
  const phases: { name: string; job: (ports: Ports, ids: string[]) => LoadJob }[] = [
    {
      name: 'cached-get-http',
      job: (ports, ids) => ({
        kind: 'http-get',
        baseUrl: `http://127.0.0.1:${ports.userHttp}`,
        pathPrefix: '/users/',
        ids,
        connections: 50,
        durationSeconds: SETTINGS.profileSeconds,
        warmupSeconds: 2,
      }),
    },
    {
      name: 'getuser-grpc',
      job: (ports, ids) => ({
        kind: 'grpc-get',
        target: `127.0.0.1:${ports.userGrpc}`,
        ids,
        connections: 50,
        durationSeconds: SETTINGS.profileSeconds,
        warmupSeconds: 2,
      }),
    },
  ];
  const logDirectory = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  for (const phase of phases) {
    const namespace = await createNamespace();
    let server: ServerProcess | undefined;
    try {
      const ports: Ports = { userHttp: await freePort(), userGrpc: await freePort() };
      const phaseDirectory = join(profileDirectory, phase.name);
      mkdirSync(phaseDirectory, { recursive: true });
      server = await startServer({
        name: `user-service-${phase.name}`,
        script: MAIN,
        env: userServiceEnv(namespace, ports),
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${phaseDirectory}`, '--cpu-prof-interval=250'],
        readiness: { httpUrl: `http://127.0.0.1:${ports.userHttp}/_healthz/readiness` },
        logDirectory,
      });
      const ids = (await seedUsers(namespace, SETTINGS.seedUsers)).slice(0, SETTINGS.hotUsers);
      const result = await runLoad(phase.job(ports, ids));
      log(`profiled ${phase.name}: ${result.rps.toFixed(0)} rps, p99 ${result.p99.toFixed(2)} ms`);
      await stopServer(server, 30_000);
    } finally {
      if (server) await stopServer(server);
      for (const problem of await dropNamespace(namespace)) log(problem);
    }
  }
  rmSync(logDirectory, { recursive: true, force: true });
  const summary = summarizeProfiles(profileDirectory, BUILD_ROOT);
  writeFileSync(join(RESULTS, 'profile-summary.md'), `${summary}\n`);
  process.stdout.write(`${summary}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
