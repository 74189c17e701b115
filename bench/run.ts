import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SignJWT } from 'jose';
import { SERVICE_DEFINITIONS } from '../src/services';
import { BASELINE, checkBar, SCENARIO_KEYS, ScenarioKey } from './lib/bar';
import { createNamespace, dropNamespace, seedUsers, tableExists } from './lib/backends';
import { chatStreamMethod, createChatRoom } from './lib/chat-stream';
import { runLoad } from './lib/load-client';
import {
  countLogLines,
  cpuSeconds,
  freePort,
  Readiness,
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
  Throughput,
} from './lib/report';
import { CallerTokenSigning, LoadJob } from './load/jobs';

/**
 * `npm run bench`: the project against hand-written baselines, interleaved, in one run.
 * `npm run bench -- --profile`: user-service under --cpu-prof during cached GET and gRPC load,
 * chat-service and the plain stream baseline during `stream-push`, then a summary of where
 * their CPU goes by toolkit layer. See bench/README.md.
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
function scenariosEnv(): ScenarioKey[] {
  const raw = process.env.BENCH_SCENARIOS;
  if (!raw) return [...SCENARIO_KEYS];
  const wanted = raw.split(',').map((part) => part.trim());
  const unknown = wanted.filter((key) => !(SCENARIO_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SCENARIOS: unknown ${unknown.join(', ')}; known: ${SCENARIO_KEYS.join(', ')}`,
    );
  }
  return wanted as ScenarioKey[];
}

const SETTINGS = {
  scenarios: scenariosEnv(),
  durationSeconds: numberEnv('BENCH_DURATION', 5),
  firstWarmupSeconds: numberEnv('BENCH_WARMUP', 3),
  warmupSeconds: numberEnv('BENCH_REWARMUP', 1),
  connections: listEnv('BENCH_CONNECTIONS', [10, 50]),
  rounds: numberEnv('BENCH_ROUNDS', 2),
  grpcClient: process.env.BENCH_GRPC_CLIENT === 'grpc-js' ? 'grpc-js' : 'h2',
  seedUsers: 1000,
  hotUsers: 200,
  fanOutSockets: 200,
  fanOutSenders: 4,
  streamSubscribers: numberEnv('BENCH_STREAM_SUBSCRIBERS', 50),
  streamSenders: numberEnv('BENCH_STREAM_SENDERS', 4),
  streamWindow: numberEnv('BENCH_STREAM_WINDOW', 16),
  profileSeconds: numberEnv('BENCH_PROFILE_DURATION', 15),
  keepLogs: process.env.BENCH_KEEP_LOGS === '1',
} as const;

const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
/** `<PREFIX>_INTERNAL_AUTH_SECRET` of every project server (production refuses the built-in one). */
const INTERNAL_SECRET = `bench-internal-${randomUUID()}`;
const CHAT_CALLERS: CallerTokenSigning = { secret: INTERNAL_SECRET, audience: 'chat-service' };
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const registered = (name: string): boolean =>
  SERVICE_DEFINITIONS.some((definition) => definition.name === name);
/** An error's message without stack frames, on one line (for a table cell or a log line). */
const firstLines = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error))
    .split('\n')
    .filter((line) => !/^\s+at /.test(line) && line.trim() !== '')
    .slice(0, 3)
    .join(' ');

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
    USER_SERVICE_INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
    USER_SERVICE_PGSQL_HOST: '127.0.0.1',
    USER_SERVICE_PGSQL_USERNAME: 'postgres',
    USER_SERVICE_PGSQL_DATABASE: namespace.database,
    USER_SERVICE_CACHE_HOST: '127.0.0.1',
    USER_SERVICE_CACHE_KEY_PREFIX: `${namespace.redisPrefix}project:`,
    USER_SERVICE_QUEUE_HOST: '127.0.0.1',
    USER_SERVICE_QUEUE_EXCHANGE: namespace.exchange,
  };
}

function chatServiceEnv(
  namespace: { database: string; redisPrefix: string },
  httpPort: number,
  grpcPort: number,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    SERVICES: 'chat-service',
    CHAT_SERVICE_SERVER_HOST: '127.0.0.1',
    CHAT_SERVICE_SERVER_PORT: String(httpPort),
    CHAT_SERVICE_GRPC_SERVER_HOST: '127.0.0.1',
    CHAT_SERVICE_GRPC_SERVER_PORT: String(grpcPort),
    CHAT_SERVICE_LOG_LEVEL: 'info',
    CHAT_SERVICE_ENABLE_METRICS: 'true',
    CHAT_SERVICE_INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
    CHAT_SERVICE_PGSQL_HOST: '127.0.0.1',
    CHAT_SERVICE_PGSQL_USERNAME: 'postgres',
    CHAT_SERVICE_PGSQL_DATABASE: namespace.database,
    CHAT_SERVICE_CACHE_HOST: '127.0.0.1',
    CHAT_SERVICE_CACHE_KEY_PREFIX: `${namespace.redisPrefix}chat:`,
    CHAT_SERVICE_REALTIME_HOST: '127.0.0.1',
    CHAT_SERVICE_REALTIME_CHANNEL_PREFIX: `${namespace.redisPrefix}chat-realtime:`,
  };
}

/**
 * The project api-gateway forwarding to user-service's gRPC port; the other backends point at a
 * closed port (`nowhere`), and the rate limit is high enough never to refuse the load.
 */
function projectGatewayEnv(
  namespace: { redisPrefix: string },
  userGrpcPort: number,
  gatewayPort: number,
  nowhere: number,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    SERVICES: 'api-gateway',
    API_GATEWAY_SERVER_HOST: '127.0.0.1',
    API_GATEWAY_SERVER_PORT: String(gatewayPort),
    API_GATEWAY_LOG_LEVEL: 'info',
    API_GATEWAY_ENABLE_METRICS: 'true',
    API_GATEWAY_INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
    API_GATEWAY_RESOLVER_ENDPOINTS: `user-service=127.0.0.1:${userGrpcPort},notification-service=127.0.0.1:${nowhere},chat-service=127.0.0.1:${nowhere}`,
    API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${nowhere}`,
    API_GATEWAY_CACHE_HOST: '127.0.0.1',
    API_GATEWAY_CACHE_KEY_PREFIX: `${namespace.redisPrefix}project-gateway:`,
    API_GATEWAY_AUTH_JWT_SECRET: JWT_SECRET,
    API_GATEWAY_RATE_LIMIT_REQUESTS: '1000000000',
    API_GATEWAY_RATE_LIMIT_WINDOW: '1m',
  };
}

/**
 * The variables of the plain gateway baseline beyond the common ones: `checks` on = the same
 * rate-limit script and deny-list read as the project, with logs and metrics; off = bare.
 */
function baselineGatewayEnv(
  namespace: { redisPrefix: string },
  userGrpcPort: number,
  checks: 'on' | 'off',
): NodeJS.ProcessEnv {
  return {
    BENCH_REDIS_PREFIX: `${namespace.redisPrefix}baseline-gateway:`,
    BENCH_JWT_SECRET: JWT_SECRET,
    BENCH_BACKEND_TARGET: `127.0.0.1:${userGrpcPort}`,
    BENCH_GATEWAY_CHECKS: checks,
    BENCH_OBSERVABILITY: checks,
  };
}

/** A gateway bearer token; admin, so that it may read any of the seeded users (caller binding). */
async function signToken(): Promise<string> {
  return new SignJWT({ roles: ['admin'] })
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

/** A server measured in a scenario, and the load job that measures it. */
interface Contender {
  variant: string;
  label: string;
  server: ServerProcess;
  job: (connections: number, warmupSeconds: number) => LoadJob;
}

/** One scenario: the project against its baselines, at each connection count. */
interface Scenario {
  key: ScenarioKey;
  name: string;
  throughput: Throughput;
  connections: readonly number[];
  rounds: number;
  project?: Contender;
  baselines: Contender[];
  skipped?: string;
}

/**
 * Runs a scenario interleaved: per connection count and round, every baseline and the project,
 * each run in a fresh load-generator process, server CPU sampled around the measured part.
 */
async function measureScenario(scenario: Scenario, records: RunRecord[]): Promise<ScenarioRow[]> {
  const skippedRow = (reason: string): ScenarioRow[] => [
    {
      key: scenario.key,
      scenario: scenario.name,
      baseline: scenario.baselines.map((baseline) => baseline.label).join(', ') || '–',
      connections: 0,
      throughput: scenario.throughput,
      skipped: reason,
    },
  ];
  if (!scenario.project) {
    log(`SKIPPED ${scenario.name}: ${scenario.skipped}`);
    return skippedRow(scenario.skipped ?? 'no project server');
  }
  const contenders = [...scenario.baselines, scenario.project];
  const warmed = new Set<string>();
  try {
    for (const connections of scenario.connections) {
      for (let round = 1; round <= scenario.rounds; round += 1) {
        // ABBA order (odd rounds baselines first, even rounds project first): a drift of the
        // machine during the scenario then weighs on both sides alike.
        const order = round % 2 === 1 ? contenders : [...contenders].reverse();
        for (const contender of order) {
          const warmup = warmed.has(contender.variant)
            ? SETTINGS.warmupSeconds
            : SETTINGS.firstWarmupSeconds;
          warmed.add(contender.variant);
          const { result, serverCpuSeconds } = await runLoad(
            contender.job(connections, warmup),
            () => cpuSeconds(contender.server),
          );
          const throughput =
            scenario.throughput === 'deliveries'
              ? `${result.deliveriesPerSecond?.toFixed(0)} delivered/s, ${result.rps.toFixed(0)} sent/s`
              : `${result.rps.toFixed(0)} rps`;
          const cpu =
            serverCpuSeconds !== undefined && result.ok > 0
              ? `, CPU ${((serverCpuSeconds / result.ok) * 1e6).toFixed(0)} µs/ok`
              : '';
          log(
            `${scenario.name} c=${connections} round ${round} ${contender.label}: ${throughput}, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms${cpu}, errors ${result.errors}`,
          );
          records.push({
            scenario: scenario.name,
            variant: contender.variant,
            connections,
            round,
            result,
            serverCpuSeconds,
          });
        }
      }
    }
  } catch (error) {
    const reason = `failed: ${firstLines(error)}`;
    log(`${scenario.name} ${reason}`);
    return skippedRow(reason);
  }
  return rowsOf(
    scenario.key,
    scenario.name,
    scenario.baselines.map((baseline) => ({ id: baseline.variant, label: baseline.label })),
    scenario.throughput,
    records,
    [...scenario.connections],
  );
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  if (process.argv.includes('--profile')) return profile();
  const startedAt = Date.now();
  const selected = new Set<ScenarioKey>(SETTINGS.scenarios);
  const wants = (...keys: ScenarioKey[]): boolean => keys.some((key) => selected.has(key));
  const logDirectory = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  const namespace = await createNamespace();
  log(
    `scenarios ${[...selected].join(', ')}; database ${namespace.database}, Redis prefix ${namespace.redisPrefix}, exchange ${namespace.exchange}`,
  );
  const servers: ServerProcess[] = [];
  const notes: string[] = [];
  const start = async (
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    readiness: Readiness,
  ): Promise<ServerProcess> => {
    const server = await startServer({ name, script, env, readiness, logDirectory });
    servers.push(server);
    return server;
  };
  const baselineEnv = (port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    NODE_ENV: 'production',
    BENCH_PORT: String(port),
    BENCH_PG_DATABASE: namespace.database,
    BENCH_REDIS_PREFIX: `${namespace.redisPrefix}baseline:`,
    ...extra,
  });
  /** A baseline HTTP server (readiness on `/_healthz/readiness`) and its base URL. */
  const startHttpBaseline = async (
    name: string,
    script: string,
    extra: NodeJS.ProcessEnv = {},
  ): Promise<{ server: ServerProcess; url: string }> => {
    const port = await freePort();
    const server = await start(name, join(BASELINES, script), baselineEnv(port, extra), {
      httpUrl: `http://127.0.0.1:${port}/_healthz/readiness`,
    });
    return { server, url: `http://127.0.0.1:${port}` };
  };
  const timed = (connections: number, warmupSeconds: number) => ({
    connections,
    durationSeconds: SETTINGS.durationSeconds,
    warmupSeconds,
  });

  try {
    const scenarios: Scenario[] = [];
    const mismatches: (string | undefined)[] = [];
    const ports: Ports = { userHttp: await freePort(), userGrpc: await freePort() };
    let userService: ServerProcess | undefined;
    let hotIds: string[] = [];
    if (wants('get', 'grpc', 'post', 'gateway')) {
      userService = await start('project user-service', MAIN, userServiceEnv(namespace, ports), {
        httpUrl: `http://127.0.0.1:${ports.userHttp}/_healthz/readiness`,
      });
      hotIds = (await seedUsers(namespace, SETTINGS.seedUsers)).slice(0, SETTINGS.hotUsers);
    }
    const projectHttpUrl = `http://127.0.0.1:${ports.userHttp}`;
    // The same user-service with its access log (LOG_LEVEL=warn) and metrics off, beside the bare
    // baselines: it tells the toolkit's own cost apart from what one log line and one metric
    // observation per request cost.
    const quietPorts: Ports = { userHttp: await freePort(), userGrpc: await freePort() };
    let quietUserService: ServerProcess | undefined;
    if (userService && wants('get', 'grpc')) {
      quietUserService = await start(
        'quiet project user-service (access log + metrics off)',
        MAIN,
        {
          ...userServiceEnv(namespace, quietPorts),
          USER_SERVICE_LOG_LEVEL: 'warn',
          USER_SERVICE_ENABLE_METRICS: 'false',
        },
        { httpUrl: `http://127.0.0.1:${quietPorts.userHttp}/_healthz/readiness` },
      );
    }
    const quietHttpUrl = `http://127.0.0.1:${quietPorts.userHttp}`;
    const httpGet = (
      variant: string,
      label: string,
      server: ServerProcess,
      baseUrl: string,
      pathPrefix = '/users/',
      headers?: Record<string, string>,
    ): Contender => ({
      variant,
      label,
      server,
      job: (connections, warmupSeconds) => ({
        kind: 'http-get',
        baseUrl,
        pathPrefix,
        ids: hotIds,
        headers,
        ...timed(connections, warmupSeconds),
      }),
    });

    let fastifyObserved: { server: ServerProcess; url: string } | undefined;
    if (userService && wants('get', 'post')) {
      const outbox =
        wants('post') && (await tableExists(namespace, 'user_outbox')) ? 'user_outbox' : '';
      if (wants('post'))
        notes.push(
          outbox
            ? 'user-service writes an outbox row per create; the POST baseline does too (no relay).'
            : 'user-service has no outbox table at run time; the POST baseline writes none.',
        );
      fastifyObserved = await startHttpBaseline(
        'baseline fastify (logs + metrics)',
        'http-server.js',
        { BENCH_OUTBOX_TABLE: outbox },
      );
    }

    if (userService && wants('get') && fastifyObserved) {
      const fastifyBare = await startHttpBaseline('baseline fastify (bare)', 'http-server.js', {
        BENCH_OBSERVABILITY: 'off',
      });
      const nest = await startHttpBaseline('baseline nest (stock)', 'nest-server.js');
      const path = `/users/${hotIds[0]}`;
      mismatches.push(
        await checkSameAnswer(
          'GET /users/{id}',
          `${fastifyObserved.url}${path}`,
          `${projectHttpUrl}${path}`,
        ),
        await checkSameAnswer(
          'GET /users/{id} (stock Nest)',
          `${nest.url}${path}`,
          `${projectHttpUrl}${path}`,
        ),
        await checkSameAnswer(
          'GET /users/{id} (bare)',
          `${fastifyBare.url}${path}`,
          `${projectHttpUrl}${path}`,
        ),
      );
      scenarios.push({
        key: 'get',
        name: 'cached GET /users/{id} (HTTP)',
        throughput: 'rps',
        connections: SETTINGS.connections,
        rounds: SETTINGS.rounds,
        project: httpGet('project', 'project', userService, projectHttpUrl),
        baselines: [
          httpGet(BASELINE.nest, 'stock Nest + platform-fastify', nest.server, nest.url),
          httpGet(
            BASELINE.fastifyObserved,
            'plain Fastify (logs + metrics)',
            fastifyObserved.server,
            fastifyObserved.url,
          ),
          httpGet(
            BASELINE.fastifyBare,
            'plain Fastify (bare)',
            fastifyBare.server,
            fastifyBare.url,
          ),
          ...(quietUserService
            ? [
                httpGet(
                  BASELINE.projectQuiet,
                  'project, access log + metrics off',
                  quietUserService,
                  quietHttpUrl,
                ),
              ]
            : []),
        ],
      });
    }

    if (userService && wants('grpc')) {
      const grpcContender = async (
        variant: string,
        label: string,
        observability: 'on' | 'off',
      ): Promise<Contender> => {
        const port = await freePort();
        const server = await start(
          `baseline grpc-js (${observability === 'on' ? 'logs + metrics' : 'bare'})`,
          join(BASELINES, 'grpc-server.js'),
          baselineEnv(port, { BENCH_OBSERVABILITY: observability }),
          { tcpPort: port },
        );
        return grpcGet(variant, label, server, port);
      };
      const grpcGet = (
        variant: string,
        label: string,
        server: ServerProcess,
        port: number,
      ): Contender => ({
        variant,
        label,
        server,
        job: (connections, warmupSeconds) => ({
          kind: 'grpc-get',
          target: `127.0.0.1:${port}`,
          ids: hotIds,
          client: SETTINGS.grpcClient,
          ...timed(connections, warmupSeconds),
        }),
      });
      scenarios.push({
        key: 'grpc',
        name: `UserService/GetUser (gRPC, ${SETTINGS.grpcClient} client)`,
        throughput: 'rps',
        connections: SETTINGS.connections,
        rounds: SETTINGS.rounds,
        project: grpcGet('project', 'project', userService, ports.userGrpc),
        baselines: [
          await grpcContender(BASELINE.grpcObserved, 'plain grpc-js (logs + metrics)', 'on'),
          await grpcContender(BASELINE.grpcBare, 'plain grpc-js (bare)', 'off'),
          ...(quietUserService
            ? [
                grpcGet(
                  BASELINE.projectQuiet,
                  'project, access log + metrics off',
                  quietUserService,
                  quietPorts.userGrpc,
                ),
              ]
            : []),
        ],
      });
    }

    if (userService && wants('post') && fastifyObserved) {
      const create = (
        variant: string,
        label: string,
        server: ServerProcess,
        baseUrl: string,
      ): Contender => ({
        variant,
        label,
        server,
        job: (connections, warmupSeconds) => ({
          kind: 'http-create',
          baseUrl,
          ...timed(connections, warmupSeconds),
        }),
      });
      scenarios.push({
        key: 'post',
        name: 'POST /users (DB write + outbox)',
        throughput: 'rps',
        connections: SETTINGS.connections,
        rounds: SETTINGS.rounds,
        project: create('project', 'project', userService, projectHttpUrl),
        baselines: [
          create(
            BASELINE.fastifyObserved,
            'plain Fastify (logs + metrics)',
            fastifyObserved.server,
            fastifyObserved.url,
          ),
        ],
      });
    }

    if (userService && wants('gateway')) {
      const name = 'gateway GET /api/v1/users/{id} (JWT + rate limit + deny-list + proxy)';
      if (!registered('api-gateway')) {
        scenarios.push({
          key: 'gateway',
          name,
          throughput: 'rps',
          connections: SETTINGS.connections,
          rounds: SETTINGS.rounds,
          baselines: [],
          skipped: 'api-gateway is not registered in src/services.ts',
        });
      } else {
        const gatewayPort = await freePort();
        const nowhere = await freePort();
        const projectGateway = await start(
          'project api-gateway',
          MAIN,
          projectGatewayEnv(namespace, ports.userGrpc, gatewayPort, nowhere),
          { httpUrl: `http://127.0.0.1:${gatewayPort}/_healthz/liveness` },
        );
        const gatewayEnv = (checks: 'on' | 'off'): NodeJS.ProcessEnv =>
          baselineGatewayEnv(namespace, ports.userGrpc, checks);
        const checked = await startHttpBaseline(
          'baseline gateway (rate limit + deny-list, logs + metrics)',
          'gateway-server.js',
          gatewayEnv('on'),
        );
        const bare = await startHttpBaseline(
          'baseline gateway (JWT + forward only, bare)',
          'gateway-server.js',
          gatewayEnv('off'),
        );
        const token = await signToken();
        const headers = { authorization: `Bearer ${token}` };
        const projectUrl = `http://127.0.0.1:${gatewayPort}`;
        const path = `/api/v1/users/${hotIds[0]}`;
        mismatches.push(
          await checkSameAnswer(
            'gateway GET /api/v1/users/{id}',
            `${checked.url}${path}`,
            `${projectUrl}${path}`,
            headers,
          ),
          await checkSameAnswer(
            'gateway GET /api/v1/users/{id} (bare)',
            `${bare.url}${path}`,
            `${projectUrl}${path}`,
            headers,
          ),
        );
        const prefix = '/api/v1/users/';
        scenarios.push({
          key: 'gateway',
          name,
          throughput: 'rps',
          connections: SETTINGS.connections,
          rounds: SETTINGS.rounds,
          project: httpGet('project', 'project', projectGateway, projectUrl, prefix, headers),
          baselines: [
            httpGet(
              BASELINE.gatewayObserved,
              'plain gateway, rate limit + deny-list (logs + metrics)',
              checked.server,
              checked.url,
              prefix,
              headers,
            ),
            httpGet(
              BASELINE.gatewayBare,
              'plain gateway, JWT + forward only (bare)',
              bare.server,
              bare.url,
              prefix,
              headers,
            ),
          ],
        });
      }
    }

    let chat: { server: ServerProcess; url: string; grpcPort: number } | undefined;
    let chatProblem = 'chat-service is not registered in src/services.ts';
    if (wants('ws', 'stream', 'stream-push') && registered('chat-service')) {
      try {
        const chatHttp = await freePort();
        const chatGrpc = await freePort();
        const server = await start(
          'project chat-service',
          MAIN,
          chatServiceEnv(namespace, chatHttp, chatGrpc),
          { httpUrl: `http://127.0.0.1:${chatHttp}/_healthz/readiness` },
        );
        chat = { server, url: `http://127.0.0.1:${chatHttp}`, grpcPort: chatGrpc };
      } catch (error) {
        chatProblem = `chat-service did not start: ${firstLines(error)}`;
      }
    }

    if (wants('ws')) {
      const name = `WebSocket fan-out (${SETTINGS.fanOutSockets} sockets, chat-service)`;
      scenarios.push({
        key: 'ws',
        name,
        throughput: 'deliveries',
        connections: [SETTINGS.fanOutSenders],
        rounds: 1,
        baselines: [],
        skipped: chatProblem,
        project: chat && {
          variant: 'project',
          label: 'project',
          server: chat.server,
          job: (connections, warmupSeconds) => ({
            kind: 'ws-fanout',
            baseUrl: chat?.url ?? '',
            sockets: SETTINGS.fanOutSockets,
            callers: CHAT_CALLERS,
            ...timed(connections, warmupSeconds),
          }),
        },
      });
    }

    const streamKeys = SETTINGS.scenarios.filter(
      (key): key is StreamKey => key === 'stream' || key === 'stream-push',
    );
    if (streamKeys.length > 0) {
      scenarios.push(...(await streamScenarios(streamKeys, chat, chatProblem, namespace, start)));
    }

    const problems = mismatches.filter(
      (mismatch): mismatch is string => typeof mismatch === 'string',
    );
    for (const problem of problems) log(problem);
    notes.push(...problems);

    const records: RunRecord[] = [];
    const rows: ScenarioRow[] = [];
    for (const scenario of scenarios) rows.push(...(await measureScenario(scenario, records)));

    const projectMetricsUrl = userService
      ? `${projectHttpUrl}/metrics`
      : chat && `${chat.url}/metrics`;
    const metricsText = projectMetricsUrl
      ? await (await fetch(projectMetricsUrl)).text().catch(() => '')
      : '';
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

    const goals = [...checkBar(rows), observabilityGoal(facts, metricsOn)];
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

type StreamKey = 'stream' | 'stream-push';

/**
 * Server-stream throughput: SETTINGS.streamSubscribers members hold chat-service's
 * `StreamMessages` open over gRPC while messages reach the room, against the hand-written grpc-js
 * baseline doing the same work. `stream`: SETTINGS.streamSenders closed-loop senders POST them
 * (end to end: the POST path is part of the work); `stream-push`: the generator PUBLISHes the
 * chat frames on the room's Redis channel itself, at most SETTINGS.streamWindow per subscriber
 * in flight (the streaming side alone). Skipped (with the reason) while the proto has no such
 * method or chat-service did not start. One room and one baseline server serve both.
 */
async function streamScenarios(
  keys: StreamKey[],
  chat: { server: ServerProcess; url: string; grpcPort: number } | undefined,
  chatProblem: string,
  namespace: { database: string; redisPrefix: string },
  start: (
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    readiness: Readiness,
  ) => Promise<ServerProcess>,
): Promise<Scenario[]> {
  const subscribers = `${SETTINGS.streamSubscribers} subscribers`;
  const bases = keys.map((key) => ({
    key,
    name:
      key === 'stream'
        ? `server stream StreamMessages (${subscribers}, ${SETTINGS.streamSenders} POST senders)`
        : `server stream StreamMessages (${subscribers}, frames pushed to Redis, window ${SETTINGS.streamWindow})`,
    throughput: 'deliveries' as const,
    connections: [key === 'stream' ? SETTINGS.streamSenders : SETTINGS.streamWindow],
    rounds: SETTINGS.rounds,
    baselines: [],
  }));
  const skipAll = (reason: string): Scenario[] =>
    bases.map((base) => ({ ...base, skipped: reason }));
  const method = chatStreamMethod();
  if (typeof method === 'string') return skipAll(method);
  if (!chat) return skipAll(chatProblem);
  const sender = randomUUID();
  const members = Array.from({ length: SETTINGS.streamSubscribers }, () => randomUUID());
  let roomId: string;
  try {
    roomId = await createChatRoom(chat.url, sender, members, CHAT_CALLERS);
  } catch (error) {
    return skipAll(`creating the room failed: ${firstLines(error)}`);
  }
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const baselinePrefix = `${namespace.redisPrefix}baseline-chat:`;
  let baseline: ServerProcess;
  try {
    baseline = await start(
      'baseline chat stream (grpc-js + fastify, logs + metrics)',
      join(BASELINES, 'chat-stream-server.js'),
      {
        ...process.env,
        NODE_ENV: 'production',
        BENCH_PORT: String(httpPort),
        BENCH_GRPC_PORT: String(grpcPort),
        BENCH_PG_DATABASE: namespace.database,
        BENCH_REDIS_PREFIX: baselinePrefix,
        BENCH_INTERNAL_SECRET: CHAT_CALLERS.secret,
        BENCH_INTERNAL_AUDIENCE: CHAT_CALLERS.audience,
      },
      { httpUrl: `http://127.0.0.1:${httpPort}/_healthz/readiness` },
    );
  } catch (error) {
    return skipAll(`the baseline did not start: ${firstLines(error)}`);
  }
  const subscriptions = members.map((userId) => ({
    userId,
    request: method.serialize({ room_id: roomId, user_id: userId }).toString('base64'),
  }));
  const contender = (
    key: StreamKey,
    variant: string,
    label: string,
    server: ServerProcess,
    target: { httpBase: string; grpcTarget: string; channelPrefix: string },
  ): Contender => ({
    variant,
    label,
    server,
    job: (connections, warmupSeconds) => ({
      kind: 'grpc-stream-fanout',
      httpBase: target.httpBase,
      grpcTarget: target.grpcTarget,
      grpcPath: method.path,
      roomId,
      sender,
      subscriptions,
      callers: CHAT_CALLERS,
      pushChannel: key === 'stream-push' ? `${target.channelPrefix}room:${roomId}` : undefined,
      ...{ connections, durationSeconds: SETTINGS.durationSeconds, warmupSeconds },
    }),
  });
  const project = {
    httpBase: chat.url,
    grpcTarget: `127.0.0.1:${chat.grpcPort}`,
    channelPrefix: `${namespace.redisPrefix}chat-realtime:`,
  };
  const plain = {
    httpBase: `http://127.0.0.1:${httpPort}`,
    grpcTarget: `127.0.0.1:${grpcPort}`,
    channelPrefix: baselinePrefix,
  };
  return bases.map((base) => ({
    ...base,
    project: contender(base.key, 'project', 'project', chat.server, project),
    baselines: [
      contender(
        base.key,
        BASELINE.streamObserved,
        'plain grpc-js server stream (logs + metrics)',
        baseline,
        plain,
      ),
    ],
  }));
}

function observabilityGoal(facts: ProcessFacts[], metricsOn: boolean): GoalCheck {
  // The quiet project process (access log + metrics off) is a baseline, named apart.
  const project = facts.filter((fact) => fact.name.startsWith('project'));
  return {
    goal: 'project measured with its middlewares on: access log at info and metrics counting',
    measured: `project log lines ${project.map((fact) => fact.logLines).join(', ')}; toolkit_requests_total ${metricsOn ? 'counting' : 'NOT counting'}`,
    met: project.length > 0 && project.every((fact) => fact.logLines > 0) && metricsOn,
  };
}

/** Node flags writing a .cpuprofile into `directory` at exit (sampled every 250 µs). */
function cpuProfArgs(directory: string): string[] {
  mkdirSync(directory, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${directory}`, '--cpu-prof-interval=250'];
}

/**
 * Fresh processes under --cpu-prof, one phase at a time, each phase only if its scenario is in
 * BENCH_SCENARIOS (default all): user-service during cached GET (`get`) and gRPC GetUser
 * (`grpc`) load; chat-service and the plain grpc-js stream baseline during `stream-push`.
 */
async function profile(): Promise<void> {
  const profileDirectory = join(RESULTS, 'profiles');
  rmSync(profileDirectory, { recursive: true, force: true });
  const phases: {
    key: ScenarioKey;
    name: string;
    job: (ports: Ports, ids: string[]) => LoadJob;
  }[] = [
    {
      key: 'get',
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
      key: 'grpc',
      name: 'getuser-grpc',
      job: (ports, ids) => ({
        kind: 'grpc-get',
        target: `127.0.0.1:${ports.userGrpc}`,
        ids,
        client: SETTINGS.grpcClient,
        connections: 50,
        durationSeconds: SETTINGS.profileSeconds,
        warmupSeconds: 2,
      }),
    },
  ];
  const logDirectory = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  for (const phase of phases.filter((candidate) => SETTINGS.scenarios.includes(candidate.key))) {
    const namespace = await createNamespace();
    let server: ServerProcess | undefined;
    try {
      const ports: Ports = { userHttp: await freePort(), userGrpc: await freePort() };
      server = await startServer({
        name: `user-service-${phase.name}`,
        script: MAIN,
        env: userServiceEnv(namespace, ports),
        nodeArgs: cpuProfArgs(join(profileDirectory, phase.name)),
        readiness: { httpUrl: `http://127.0.0.1:${ports.userHttp}/_healthz/readiness` },
        logDirectory,
      });
      const ids = (await seedUsers(namespace, SETTINGS.seedUsers)).slice(0, SETTINGS.hotUsers);
      const { result } = await runLoad(phase.job(ports, ids));
      log(`profiled ${phase.name}: ${result.rps.toFixed(0)} rps, p99 ${result.p99.toFixed(2)} ms`);
      await stopServer(server, 30_000);
    } finally {
      if (server) await stopServer(server);
      for (const problem of await dropNamespace(namespace)) log(problem);
    }
  }
  const extraSections: string[] = [];
  if (SETTINGS.scenarios.includes('gateway'))
    extraSections.push(await profileGateway(profileDirectory, logDirectory));
  if (SETTINGS.scenarios.includes('stream-push'))
    await profileStreamPush(profileDirectory, logDirectory);
  rmSync(logDirectory, { recursive: true, force: true });
  const summary = [summarizeProfiles(profileDirectory, BUILD_ROOT), ...extraSections].join('\n\n');
  writeFileSync(join(RESULTS, 'profile-summary.md'), `${summary}\n`);
  process.stdout.write(`${summary}\n`);
}

/** The gateway load of `--profile`: one bearer token, random hot users, 10 connections. */
const GATEWAY_PROFILE_CONNECTIONS = 10;

/**
 * The project api-gateway (`gateway-project`) and both plain gateways (`gateway-baseline-checked`
 * with the rate limit and deny-list, `gateway-baseline-bare` without), each fed the `gateway` load
 * for BENCH_PROFILE_DURATION s in turn under --cpu-prof, all forwarding to one user-service
 * (not profiled). Then each gateway once more, fresh and without the profiler, preloaded with
 * `lib/async-counter` for a short run: promises, ticks and timers created per request.
 */
async function profileGateway(profileDirectory: string, logDirectory: string): Promise<string> {
  const namespace = await createNamespace();
  const servers: ServerProcess[] = [];
  const asyncCounts: string[] = [];
  try {
    const ports: Ports = { userHttp: await freePort(), userGrpc: await freePort() };
    servers.push(
      await startServer({
        name: 'user-service-gateway-profile',
        script: MAIN,
        env: userServiceEnv(namespace, ports),
        readiness: { httpUrl: `http://127.0.0.1:${ports.userHttp}/_healthz/readiness` },
        logDirectory,
      }),
    );
    const ids = (await seedUsers(namespace, SETTINGS.seedUsers)).slice(0, SETTINGS.hotUsers);
    const headers = { authorization: `Bearer ${await signToken()}` };
    const nowhere = await freePort();
    const contenders: {
      phase: string;
      script: string;
      env: (port: number) => NodeJS.ProcessEnv;
    }[] = [
      {
        phase: 'gateway-project',
        script: MAIN,
        env: (port) => projectGatewayEnv(namespace, ports.userGrpc, port, nowhere),
      },
      ...(['checked', 'bare'] as const).map((variant) => ({
        phase: `gateway-baseline-${variant}`,
        script: join(BASELINES, 'gateway-server.js'),
        env: (port: number): NodeJS.ProcessEnv => ({
          ...process.env,
          NODE_ENV: 'production',
          BENCH_PORT: String(port),
          ...baselineGatewayEnv(namespace, ports.userGrpc, variant === 'checked' ? 'on' : 'off'),
        }),
      })),
    ];
    const counter = join(__dirname, 'lib', 'async-counter.js');
    for (const counting of [false, true]) {
      for (const contender of contenders) {
        const port = await freePort();
        const countFile = join(logDirectory, `${contender.phase}.async-count.json`);
        const server = await startServer({
          name: `${contender.phase}${counting ? '-counted' : ''}`,
          script: contender.script,
          env: counting
            ? { ...contender.env(port), BENCH_ASYNC_COUNT_FILE: countFile }
            : contender.env(port),
          nodeArgs: counting
            ? ['--require', counter]
            : cpuProfArgs(join(profileDirectory, contender.phase)),
          readiness: {
            httpUrl: `http://127.0.0.1:${port}/${contender.script === MAIN ? '_healthz/liveness' : '_healthz/readiness'}`,
          },
          logDirectory,
        });
        servers.push(server);
        const { result } = await runLoad({
          kind: 'http-get',
          baseUrl: `http://127.0.0.1:${port}`,
          pathPrefix: '/api/v1/users/',
          ids,
          headers,
          connections: GATEWAY_PROFILE_CONNECTIONS,
          durationSeconds: counting ? 3 : SETTINGS.profileSeconds,
          warmupSeconds: counting ? 1 : 2,
        });
        log(
          `${counting ? 'counted' : 'profiled'} ${contender.phase}: ${result.rps.toFixed(0)} rps, p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}`,
        );
        await stopServer(server, 30_000);
        if (counting) asyncCounts.push(asyncCountLine(contender.phase, countFile));
      }
    }
  } finally {
    for (const running of servers) await stopServer(running);
    for (const problem of await dropNamespace(namespace)) log(problem);
  }
  return [
    '### Async resources per request: gateways (async_hooks init, unprofiled run)',
    '',
    '| gateway | requests | promises | ticks | timers | all async resources |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...asyncCounts,
  ].join('\n');
}

/** One table row of what `lib/async-counter` wrote for a gateway: async resources per request. */
function asyncCountLine(phase: string, file: string): string {
  const { requests, byType } = JSON.parse(readFileSync(file, 'utf8')) as {
    requests: number;
    byType: Record<string, number>;
  };
  const per = (count: number) => (requests > 0 ? (count / requests).toFixed(1) : '–');
  const all = Object.values(byType).reduce((sum, count) => sum + count, 0);
  return `| ${phase} | ${requests} | ${per(byType.PROMISE ?? 0)} | ${per(byType.TickObject ?? 0)} | ${per(byType.Timeout ?? 0)} | ${per(all)} |`;
}

/**
 * chat-service (`stream-push-project`) and the plain grpc-js stream baseline
 * (`stream-push-baseline`), both under --cpu-prof, fed the `stream-push` load one after the
 * other for BENCH_PROFILE_DURATION s each: the two profiles split the same fan-out work
 * (deliveries/s are logged, so shares can be turned into CPU per delivery).
 */
async function profileStreamPush(profileDirectory: string, logDirectory: string): Promise<void> {
  const namespace = await createNamespace();
  const servers: ServerProcess[] = [];
  const start = async (
    name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    readiness: Readiness,
  ): Promise<ServerProcess> => {
    const phase = script === MAIN ? 'stream-push-project' : 'stream-push-baseline';
    const server = await startServer({
      name,
      script,
      env,
      readiness,
      logDirectory,
      nodeArgs: cpuProfArgs(join(profileDirectory, phase)),
    });
    servers.push(server);
    return server;
  };
  try {
    const chatHttp = await freePort();
    const chatGrpc = await freePort();
    const server = await start(
      'chat-service-stream-push',
      MAIN,
      chatServiceEnv(namespace, chatHttp, chatGrpc),
      { httpUrl: `http://127.0.0.1:${chatHttp}/_healthz/readiness` },
    );
    const chat = { server, url: `http://127.0.0.1:${chatHttp}`, grpcPort: chatGrpc };
    const [scenario] = await streamScenarios(['stream-push'], chat, '', namespace, start);
    if (!scenario.project) throw new Error(`stream-push cannot be profiled: ${scenario.skipped}`);
    for (const contender of [scenario.project, ...scenario.baselines]) {
      const { result } = await runLoad({
        ...contender.job(SETTINGS.streamWindow, 2),
        durationSeconds: SETTINGS.profileSeconds,
      });
      log(
        `profiled stream-push ${contender.label}: ${result.deliveriesPerSecond?.toFixed(0)} delivered/s, errors ${result.errors}`,
      );
    }
    for (const running of servers) await stopServer(running, 30_000);
  } finally {
    for (const running of servers) await stopServer(running);
    for (const problem of await dropNamespace(namespace)) log(problem);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
