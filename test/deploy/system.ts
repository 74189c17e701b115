import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SignJWT } from 'jose';

const ROOT = join(__dirname, '..', '..');

/** The development JWT secret the tests sign with (>= 32 bytes, HS256). */
export const FLOW_JWT_SECRET = 'flow-test-jwt-secret-0123456789abcdef-0123456789';

/** Ports the four services listen on in one test run. */
export interface SystemPorts {
  gateway: number;
  userHttp: number;
  userGrpc: number;
  notificationHttp: number;
  notificationGrpc: number;
  chatHttp: number;
  chatGrpc: number;
}

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function freeSystemPorts(): Promise<SystemPorts> {
  const [gateway, userHttp, userGrpc, notificationHttp, notificationGrpc, chatHttp, chatGrpc] =
    await Promise.all(Array.from({ length: 7 }, () => freePort()));
  return { gateway, userHttp, userGrpc, notificationHttp, notificationGrpc, chatHttp, chatGrpc };
}

/** Port and gateway variables: every service on its own free port, the gateway pointed at them. */
export function systemEnv(ports: SystemPorts): Record<string, string> {
  return {
    API_GATEWAY_SERVER_PORT: String(ports.gateway),
    USER_SERVICE_SERVER_PORT: String(ports.userHttp),
    USER_SERVICE_GRPC_SERVER_PORT: String(ports.userGrpc),
    NOTIFICATION_SERVICE_SERVER_PORT: String(ports.notificationHttp),
    NOTIFICATION_SERVICE_GRPC_SERVER_PORT: String(ports.notificationGrpc),
    CHAT_SERVICE_SERVER_PORT: String(ports.chatHttp),
    CHAT_SERVICE_GRPC_SERVER_PORT: String(ports.chatGrpc),
    API_GATEWAY_RESOLVER_ENDPOINTS: [
      `user-service=127.0.0.1:${ports.userGrpc}`,
      `notification-service=127.0.0.1:${ports.notificationGrpc}`,
      `chat-service=127.0.0.1:${ports.chatGrpc}`,
    ].join(','),
    API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${ports.chatHttp}`,
    API_GATEWAY_AUTH_JWT_SECRET: FLOW_JWT_SECRET,
  };
}

/** `src/main.ts` in a child process (ts-node, transpile only), as `npm start` runs it. */
export interface MainProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
}

/**
 * Spawns main.ts with exactly `env` (plus PATH and HOME): nothing from the test process leaks in,
 * so unset backend variables are really unset. main.ts still loads the committed `.env`, as
 * `npm start` does.
 */
export function spawnMain(env: Record<string, string>, args: string[] = []): MainProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TS_NODE_TRANSPILE_ONLY: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits until `text` appears in the output; fails early if the process exits. */
export async function waitForOutput(
  main: MainProcess,
  text: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!main.output().includes(text)) {
    if (main.child.exitCode !== null) {
      throw new Error(`main exited with ${main.child.exitCode}:\n${main.output().slice(-4000)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`no "${text}" within ${timeoutMs}ms:\n${main.output().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A bearer token for `userId` signed with {@link FLOW_JWT_SECRET}. */
export function bearerFor(userId: string): Promise<string> {
  return new SignJWT({ roles: ['user'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setJti(`${userId}-${Date.now()}`)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(FLOW_JWT_SECRET));
}

/** Polls `probe` until it returns a value, or throws after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
