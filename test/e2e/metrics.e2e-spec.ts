import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { register as processRegistry } from 'prom-client';
import { parse, stringify } from 'yaml';
import { apiGatewayDefinition } from '../../src/modules/gateway/gateway.definition';
import type { RunningService } from '../../src/toolkit/runtime/bootstrap-service';
import { bootstrapService } from '../support/bootstrap';
import { ChatApp, ChatBackends, createChatBackends, startChatApp } from '../support/chat-app';
import { NotificationApp, startNotificationApp } from '../support/notification-app';
import { findPromtool, promtool } from '../support/promtool';
import { promqlMetricNames } from '../support/promql-names';
import { metricTypes, sampleValue } from '../support/prometheus-text';
import { RabbitProbe, subscriptionQueueNames, uniqueName, waitFor } from '../support/rabbit';
import { deleteKeys, rawRedis, TEST_REDIS, uniqueKeyPrefix } from '../support/redis';
import { startUserApp, UserApp } from '../support/user-app';
import { TestSocket } from '../support/ws-client';

// Every service's /metrics, with real backends: the plugins' metrics move with what users do,
// every exposition passes `promtool check metrics`, and every metric the Grafana dashboard and
// the PrometheusRule in deploy/observability use is one the services serve.

const ROOT = join(__dirname, '..', '..');
const OBSERVABILITY = join(ROOT, 'deploy', 'observability');
const GATEWAY_SECRET = 'metrics-e2e-secret-that-is-long-enough-for-hs256';
const PROMTOOL = findPromtool();
// CI installs Debian's `prometheus` package: there a missing promtool is a failure, not a skip.
const REQUIRE_PROMTOOL = process.env.CI === 'true';
const withPromtool = PROMTOOL || REQUIRE_PROMTOOL ? it : it.skip;
if (!PROMTOOL && !REQUIRE_PROMTOOL) {
  console.warn('promtool not installed (apt-get install prometheus): promtool checks skipped');
}

interface RuleGroup {
  name: string;
  rules: { alert?: string; record?: string; expr: string }[];
}

function ruleGroups(): RuleGroup[] {
  const rule = parse(readFileSync(join(OBSERVABILITY, 'prometheus-rule.yaml'), 'utf8')) as {
    kind: string;
    spec: { groups: RuleGroup[] };
  };
  expect(rule.kind).toBe('PrometheusRule');
  return rule.spec.groups;
}

function dashboardExpressions(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(
    readFileSync(join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8'),
  ) as { panels: { title: string; targets: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) =>
    panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

/** A dashboard expression as plain PromQL: Grafana's variables replaced by values. */
function asPromql(expression: string): string {
  return expression.replaceAll('$__rate_interval', '5m').replaceAll('$service', '.*');
}

async function token(subject: string, roles: string[] = ['user']): Promise<string> {
  return new SignJWT({ sub: subject, jti: randomUUID(), roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(GATEWAY_SECRET));
}

describe('metrics of every service', () => {
  const exchange = uniqueName('metrics-e2e');
  const notificationService = uniqueName('notification-service');
  const gatewayKeyPrefix = uniqueKeyPrefix('metrics_gateway');
  let user: UserApp;
  let notification: NotificationApp;
  let chatBackends: ChatBackends;
  let chat: ChatApp;
  let gateway: RunningService;
  let probe: RabbitProbe;
  const sockets: TestSocket[] = [];

  const scrape = async (url: string): Promise<string> => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  };
  const services = (): Record<string, string> => ({
    'user-service': user.running.httpUrl,
    'notification-service': notification.running.httpUrl,
    'chat-service': chat.running.httpUrl,
    'api-gateway': gateway.httpUrl,
  });

  beforeAll(async () => {
    probe = await RabbitProbe.open();
    user = await startUserApp('metrics_users');
    notification = await startNotificationApp('metrics_notifications', {
      exchange,
      serviceName: notificationService,
    });
    chatBackends = await createChatBackends('metrics_chat');
    chat = await startChatApp(chatBackends);
    gateway = await bootstrapService(apiGatewayDefinition, {
      env: {
        API_GATEWAY_LOG_LEVEL: process.env.API_GATEWAY_LOG_LEVEL ?? 'silent',
        API_GATEWAY_CACHE_HOST: TEST_REDIS.host,
        API_GATEWAY_CACHE_PORT: String(TEST_REDIS.port),
        API_GATEWAY_CACHE_KEY_PREFIX: gatewayKeyPrefix,
        API_GATEWAY_AUTH_JWT_SECRET: GATEWAY_SECRET,
        API_GATEWAY_RESOLVER_ENDPOINTS: [
          `user-service=${user.running.grpcTarget}`,
          `notification-service=${notification.running.grpcTarget}`,
          `chat-service=${chat.running.grpcTarget}`,
        ].join(','),
        API_GATEWAY_RESOLVER_HTTP_ENDPOINTS: `chat-service=127.0.0.1:${chat.httpPort}`,
      },
      httpPort: 0,
    });
  });

  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await gateway?.close();
    await chat?.close();
    await chatBackends?.release();
    await notification?.close();
    await user?.close();
    const redis = rawRedis();
    await deleteKeys(redis, gatewayKeyPrefix);
    redis.disconnect();
    const queues = ['user.created', 'user.updated', 'order.completed'].flatMap((event) =>
      subscriptionQueueNames(notificationService, event),
    );
    await probe?.cleanUp(exchange, queues);
    await probe?.close();
  });

  it('counts cache hits and misses, and reports the pool and the outbox of user-service', async () => {
    const before = await scrape(user.running.httpUrl);
    const created = await fetch(`${user.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Metrics', email: `metrics-${randomUUID()}@example.com` }),
    });
    const { user_id: userId } = (await created.json()) as { user_id: string };
    // Created → cached; a read of it hits, a read of an unknown id misses.
    expect((await fetch(`${user.running.httpUrl}/users/${userId}`)).status).toBe(200);
    expect((await fetch(`${user.running.httpUrl}/users/${randomUUID()}`)).status).toBe(404);
    const after = await scrape(user.running.httpUrl);
    const delta = (name: string) =>
      sampleValue(after, name, { prefix: 'cache' }) -
      sampleValue(before, name, { prefix: 'cache' });
    expect(delta('toolkit_cache_hits_total')).toBe(1);
    expect(delta('toolkit_cache_misses_total')).toBe(1);
    expect(delta('toolkit_cache_errors_total')).toBe(0);
    expect(
      sampleValue(after, 'toolkit_pgsql_pool_connections', { prefix: 'pgsql' }),
    ).toBeGreaterThan(0);
    expect(after).toMatch(/^toolkit_pgsql_pool_waiting_clients\{[^}]*prefix="pgsql"[^}]*\} 0$/m);
    expect(after).toMatch(/^toolkit_outbox_pending_rows\{[^}]*table="[a-z_]+"[^}]*\} \d+$/m);
    expect(after).toMatch(/^toolkit_outbox_oldest_pending_age_seconds\{[^}]*\} [\d.]+$/m);
  });

  it('counts the events notification-service consumed and dead-lettered, by routing key', async () => {
    await waitFor(
      async () =>
        (await fetch(`${notification.running.httpUrl}/_healthz/readiness`)).status === 200,
      'notification-service consumers',
    );
    const event = JSON.stringify({
      type: 'user.created',
      user_id: randomUUID(),
      name: 'Metrics',
      email: `metrics-${randomUUID()}@example.com`,
    });
    await probe.publishRaw(exchange, 'user.created', event, randomUUID());
    await probe.publishRaw(exchange, 'user.created', 'not json', randomUUID());
    const consumed = { routing_key: 'user.created' };
    const invalid = { routing_key: 'user.created', reason: 'invalid_json' };
    let text = '';
    await waitFor(async () => {
      text = await scrape(notification.running.httpUrl);
      return (
        sampleValue(text, 'toolkit_queue_events_consumed_total', consumed) === 1 &&
        sampleValue(text, 'toolkit_queue_events_dead_lettered_total', invalid) === 1
      );
    }, 'consumed and dead-lettered counts');
    expect(sampleValue(text, 'toolkit_queue_events_retried_total', consumed)).toBe(0);
  });

  it('reports WebSocket connections and frames of the chat hub and the gateway event socket', async () => {
    const creator = randomUUID();
    const room = await chat.grpc.createRoom({
      name: 'metrics',
      creator_id: creator,
      participant_ids: [],
    });
    const caller = await chat.as(creator);
    const socket = await TestSocket.open(
      chat.httpPort,
      `/chat/rooms/${room.room_id}/join?user_id=${creator}`,
      { headers: caller.metadata },
    );
    sockets.push(socket);
    await socket.next(); // JoinRoom
    socket.send('not json');
    expect(await socket.next()).toMatchObject({ type: 'error' });
    const hub = { socket: 'realtime' };
    let text = await scrape(chat.running.httpUrl);
    expect(sampleValue(text, 'toolkit_websocket_connections', hub)).toBe(1);
    expect(sampleValue(text, 'toolkit_websocket_frames_received_total', hub)).toBe(1);
    expect(sampleValue(text, 'toolkit_websocket_frames_sent_total', hub)).toBe(2);
    await socket.close();
    await waitFor(async () => {
      text = await scrape(chat.running.httpUrl);
      return sampleValue(text, 'toolkit_websocket_connections', hub) === 0;
    }, 'the closed socket to leave the gauge');

    const events = await TestSocket.open(
      (gateway.app.getHttpServer().address() as { port: number }).port,
      '/api/v1/ws',
      { headers: { authorization: `Bearer ${await token(randomUUID())}` } },
    );
    sockets.push(events);
    await events.next(); // greeting
    text = await scrape(gateway.httpUrl);
    const proxy = { socket: 'gateway' };
    expect(sampleValue(text, 'toolkit_websocket_connections', proxy)).toBe(1);
    expect(sampleValue(text, 'toolkit_websocket_frames_sent_total', proxy)).toBe(1);

    // The chat join socket relayed by the gateway: its JoinRoom frame (sent by chat-service
    // before the relay completes) and the answer to a bad frame count as frames sent.
    const relayed = await TestSocket.open(
      (gateway.app.getHttpServer().address() as { port: number }).port,
      `/api/v1/chat/rooms/${room.room_id}/join`,
      { headers: { authorization: `Bearer ${await token(creator)}` } },
    );
    sockets.push(relayed);
    expect(await relayed.next()).toMatchObject({ type: 'JoinRoom' });
    relayed.send('not json');
    expect(await relayed.next()).toMatchObject({ type: 'error' });
    text = await scrape(gateway.httpUrl);
    expect(sampleValue(text, 'toolkit_websocket_connections', proxy)).toBe(2);
    expect(sampleValue(text, 'toolkit_websocket_frames_received_total', proxy)).toBe(1);
    expect(sampleValue(text, 'toolkit_websocket_frames_sent_total', proxy)).toBe(3);
  });

  it('counts gateway calls to backends by target, method and code', async () => {
    const created = await fetch(`${user.running.httpUrl}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Via gateway', email: `gw-${randomUUID()}@example.com` }),
    });
    const { user_id: userId } = (await created.json()) as { user_id: string };
    const admin = { authorization: `Bearer ${await token(randomUUID(), ['admin'])}` };
    expect(
      (await fetch(`${gateway.httpUrl}/api/v1/users/${userId}`, { headers: admin })).status,
    ).toBe(200);
    expect(
      (await fetch(`${gateway.httpUrl}/api/v1/users/${randomUUID()}`, { headers: admin })).status,
    ).toBe(404);
    const text = await scrape(gateway.httpUrl);
    const call = { target: 'user-service', method: '/userservice.UserService/GetUser' };
    expect(sampleValue(text, 'toolkit_gateway_backend_calls_total', { ...call, code: 'OK' })).toBe(
      1,
    );
    expect(
      sampleValue(text, 'toolkit_gateway_backend_calls_total', { ...call, code: 'NOT_FOUND' }),
    ).toBe(1);
    expect(
      sampleValue(text, 'toolkit_gateway_backend_call_duration_seconds_count', {
        target: 'user-service',
      }),
    ).toBe(2);
  });

  it('keeps each app on its own registry: nothing lands on the process-global one', async () => {
    expect(await processRegistry.getMetricsAsJSON()).toEqual([]);
    const served = await Promise.all(Object.values(services()).map((url) => scrape(url)));
    // The name each app runs under (this suite gives notification-service a name of its own).
    const names = ['user-service', notificationService, 'chat-service', 'api-gateway'];
    for (const [index, name] of names.entries()) {
      const others = served.filter((_, other) => other !== index);
      expect(served[index]).toContain(`service="${name}"`);
      for (const text of others) expect(text).not.toContain(`service="${name}"`);
    }
  });

  withPromtool('every /metrics passes promtool check metrics', async () => {
    expect(PROMTOOL).toBeDefined();
    for (const [service, url] of Object.entries(services())) {
      const outcome = await promtool(PROMTOOL!, ['check', 'metrics'], await scrape(url));
      expect({ service, ...outcome }).toEqual({ service, code: 0, output: '' });
    }
  });

  it('serves every metric the dashboard and the alert rules use', async () => {
    const served = new Map<string, string>();
    for (const url of Object.values(services())) {
      for (const [name, type] of metricTypes(await scrape(url))) served.set(name, type);
    }
    const isServed = (name: string): boolean => {
      if (served.has(name)) return true;
      const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
      return histogram !== null && served.get(histogram[1]) === 'histogram';
    };
    const used = [
      ...dashboardExpressions().map(({ panel, expr }) => ({ where: `panel ${panel}`, expr })),
      ...ruleGroups().flatMap((group) =>
        group.rules.map((rule) => ({
          where: `rule ${rule.alert ?? rule.record}`,
          expr: rule.expr,
        })),
      ),
    ].flatMap(({ where, expr }) =>
      promqlMetricNames(asPromql(expr)).map((name) => ({ where, name })),
    );
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter(({ name }) => !isServed(name))).toEqual([]);
  });

  withPromtool(
    'the alert rules and the dashboard queries pass promtool check rules, and the alerts their unit tests',
    async () => {
      expect(PROMTOOL).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'metrics-rules-'));
      try {
        const rules = join(dir, 'rules.yaml');
        writeFileSync(rules, stringify({ groups: ruleGroups() }));
        // Each dashboard query as a recording rule: promtool parses it as PromQL.
        const queries = join(dir, 'dashboard.yaml');
        const records = dashboardExpressions().map(({ expr }, index) => ({
          record: `dashboard:query_${index}`,
          expr: asPromql(expr),
        }));
        writeFileSync(queries, stringify({ groups: [{ name: 'dashboard', rules: records }] }));
        const outcome = await promtool(PROMTOOL!, ['check', 'rules', rules, queries]);
        expect(outcome).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
        // The alerts fire (and stay quiet) on the series the rule's unit tests describe.
        const tests = join(dir, 'prometheus-rule.test.yaml');
        copyFileSync(join(OBSERVABILITY, 'prometheus-rule.test.yaml'), tests);
        const unitTests = await promtool(PROMTOOL!, ['test', 'rules', tests]);
        expect(unitTests).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
