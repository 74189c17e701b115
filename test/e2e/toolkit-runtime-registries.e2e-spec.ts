import { DescriptorRegistry } from '../../src/toolkit/descriptor';
import { RunningService } from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import { echoService } from '../fixtures/toolkit-runtime/echo.fixture';
import { streamService } from '../fixtures/toolkit-runtime/stream.fixture';

describe('toolkit runtime: two apps in one process', () => {
  let echo: RunningService;
  let stream: RunningService;

  beforeAll(async () => {
    echo = await bootstrapService(echoService, { env: { ECHO_SERVICE_LOG_LEVEL: 'silent' } });
    stream = await bootstrapService(streamService, {
      env: { STREAM_SERVICE_LOG_LEVEL: 'silent' },
    });
  });

  afterAll(async () => {
    await stream?.close();
    await echo?.close();
  });

  it('gives each app its own descriptor registry, knowing only the types of its own service', () => {
    const echoTypes = echo.app.get(DescriptorRegistry);
    const streamTypes = stream.app.get(DescriptorRegistry);
    expect(echoTypes).not.toBe(streamTypes);
    expect(echoTypes.hasMessage('toolkitfixture.EchoRequest')).toBe(true);
    expect(streamTypes.hasMessage('toolkitfixture.CountRequest')).toBe(true);
    expect(echoTypes.hasMessage('toolkitfixture.CountRequest')).toBe(false);
    expect(streamTypes.hasMessage('toolkitfixture.EchoRequest')).toBe(false);
  });

  it('still transcodes and validates with its own types after the other app started', async () => {
    const response = await fetch(`${echo.httpUrl}/echo/abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi', count: 2 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 'abc', text: 'hi', count: 2 });

    const invalid = await fetch(`${echo.httpUrl}/echo/abc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: '' }),
    });
    expect(invalid.status).toBe(400);
  });
});
