import { runUserFlow } from '../deploy/flow';
import {
  MainProcess,
  freeSystemPorts,
  spawnMain,
  systemEnv,
  waitForOutput,
} from '../deploy/system';

// `npm start` on a bare machine: no backend variable at all, so every plugin runs embedded
// (one PostgreSQL server for the process, a database per service; in-process cache, broker and
// fan-out), all four services in one process.
describe('embedded mode: the four services in one process, no backend configured', () => {
  let main: MainProcess;
  let gatewayPort: number;

  beforeAll(async () => {
    const ports = await freeSystemPorts();
    gatewayPort = ports.gateway;
    main = spawnMain({
      NODE_ENV: 'development',
      ...systemEnv(ports),
      // In memory, so the run leaves no ./data behind.
      USER_SERVICE_PGSQL_DATABASE: ':memory:',
      NOTIFICATION_SERVICE_PGSQL_DATABASE: ':memory:',
      CHAT_SERVICE_PGSQL_DATABASE: ':memory:',
    });
    await waitForOutput(main, 'api-gateway listening', 120_000);
  }, 150_000);

  afterAll(async () => {
    await main?.stop();
  });

  it('names the embedded backend of every plugin in the start-up log', () => {
    const output = main.output();
    for (const service of ['user-service', 'notification-service', 'chat-service']) {
      expect(output).toContain(
        `"name":"${service}","context":"${service}","msg":"plugin pgsql (postgres_gorm): embedded PostgreSQL (in memory: a temporary cluster), database ${service.replace('-', '_')}"`,
      );
    }
    expect(output).toContain('plugin queue (rabbitmq): embedded in-process broker');
    expect(output).toContain('plugin cache (redis): embedded in-process cache');
    expect(output).toContain('plugin realtime (centrifuge): embedded in-process fan-out');
  });

  it('serves the whole flow through the gateway: user, welcome notification, chat over WebSocket', async () => {
    await runUserFlow(gatewayPort);
  }, 60_000);

  it('drains and exits 0 on SIGTERM', async () => {
    await expect(main.stop()).resolves.toBe(0);
  }, 60_000);
});
