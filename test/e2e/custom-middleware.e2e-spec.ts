import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Metadata } from '@grpc/grpc-js';
import { GrpcStatus, ToolkitError } from '../../src/toolkit/errors';
import { createGrpcClient } from '../../src/toolkit/grpc';
import { UnknownMiddlewareError } from '../../src/toolkit/middlewares';
import {
  defineService,
  describeServices,
  renderHelpText,
  RunningService,
} from '../../src/toolkit/runtime';
import { bootstrapService } from '../support/bootstrap';
import {
  ECHO_PROTO_ROOT,
  EchoMessage,
  EchoModule,
  echoService,
  EchoServiceDescriptor,
} from '../fixtures/toolkit-runtime/echo.fixture';
import { TenantGuard } from '../fixtures/toolkit-runtime/tenant.middleware';

interface EchoClient {
  echo(request: Partial<EchoMessage>, options?: { metadata?: Metadata }): Promise<EchoMessage>;
  close(): void;
}

/** The service's own module lists the middleware's provider: that is the whole registration. */
@Module({ imports: [EchoModule], providers: [TenantGuard] })
class TenantEchoModule {}

const descriptor = {
  ...EchoServiceDescriptor,
  middlewares: [...EchoServiceDescriptor.middlewares, 'tenant'],
};

const tenantService = defineService({
  ...echoService,
  name: 'tenant-service',
  envPrefix: 'TENANT_SERVICE',
  descriptor,
  module: TenantEchoModule,
});

const start = (env: Record<string, string> = {}) =>
  bootstrapService(tenantService, { env: { TENANT_SERVICE_LOG_LEVEL: 'silent', ...env } });

describe('a custom middleware (the README tenant example)', () => {
  let service: RunningService;
  let client: EchoClient;

  beforeAll(async () => {
    service = await start();
    client = createGrpcClient<EchoClient>(descriptor, service.grpcTarget!, {
      protoRoot: ECHO_PROTO_ROOT,
    });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(`${service.httpUrl}/echo/t1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ text: 'hi' }),
    });

  it('refuses an HTTP call without x-tenant-id with 400 INVALID_ARGUMENT', async () => {
    const response = await post({});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      code: 400,
      message: 'x-tenant-id header is required',
    });
  });

  it('lets an HTTP call with x-tenant-id through to the handler', async () => {
    const response = await post({ 'x-tenant-id': 'acme' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: 't1', text: 'hi' });
  });

  it('refuses a gRPC call without x-tenant-id metadata with INVALID_ARGUMENT', async () => {
    const error = (await client.echo({ id: 'g1', text: 'hi' }).catch((e: unknown) => e)) as
      ToolkitError | undefined;
    expect(error).toBeInstanceOf(ToolkitError);
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.message).toBe('x-tenant-id header is required');
  });

  it('lets a gRPC call with x-tenant-id metadata through', async () => {
    const metadata = new Metadata();
    metadata.set('x-tenant-id', 'acme');
    await expect(client.echo({ id: 'g2', text: 'hi' }, { metadata })).resolves.toMatchObject({
      id: 'g2',
    });
  });

  it('lists its variable in --help, and not in a service that does not use it', () => {
    const help = renderHelpText(describeServices([tenantService, echoService], []));
    const [tenantPart, echoPart] = help.split('\n\n');
    expect(tenantPart).toMatch(/TENANT_SERVICE_TENANT_REQUIRED\s+bool\s+true/);
    expect(echoPart).not.toMatch(/TENANT_REQUIRED/);
  });

  it('reads its config: TENANT_REQUIRED=false lets calls without a tenant through', async () => {
    const lenient = await start({ TENANT_SERVICE_TENANT_REQUIRED: 'false' });
    try {
      const response = await fetch(`${lenient.httpUrl}/echo/t2`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      expect(response.status).toBe(200);
    } finally {
      await lenient.close();
    }
  });

  it('fails start-up on a bad value of its variable', async () => {
    await expect(start({ TENANT_SERVICE_TENANT_REQUIRED: 'maybe' })).rejects.toThrow(
      /TENANT_SERVICE_TENANT_REQUIRED/,
    );
  });

  it('fails start-up when no module of the app provides it, naming it and the known ones', async () => {
    const unregistered = defineService({ ...tenantService, module: EchoModule });
    const act = bootstrapService(unregistered, { env: { TENANT_SERVICE_LOG_LEVEL: 'silent' } });
    await expect(act).rejects.toThrow(UnknownMiddlewareError);
    await expect(act).rejects.toThrow(
      /middleware "tenant", which is not registered \(registered: admin_only, auth, cors, logging, rate_limit, request_id, validate_token\)/,
    );
  });

  it('is the class src/toolkit/README.md documents, character for character', () => {
    const root = join(__dirname, '..', '..');
    const fixture = readFileSync(
      join(root, 'test/fixtures/toolkit-runtime/tenant.middleware.ts'),
      'utf8',
    );
    const documented = fixture.slice(fixture.indexOf('export const tenantConfig'));
    expect(readFileSync(join(root, 'src/toolkit/README.md'), 'utf8')).toContain(documented.trim());
  });
});
