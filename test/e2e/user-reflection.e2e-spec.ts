import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startUserApp, UserApp } from '../support/user-app';

const run = promisify(execFile);
const BUF = join(__dirname, '..', '..', 'node_modules', '.bin', 'buf');

/** `buf curl` resolves request and response types through server reflection only. */
async function bufCurl(
  target: string,
  method: string,
  body: object,
  service = 'userservice.UserService',
): Promise<unknown> {
  const { stdout } = await run(BUF, [
    'curl',
    '--protocol',
    'grpc',
    '--http2-prior-knowledge',
    '-d',
    JSON.stringify(body),
    `http://${target}/${service}/${method}`,
  ]);
  return JSON.parse(stdout);
}

describe('user-service through gRPC server reflection (buf curl)', () => {
  let app: UserApp;

  beforeAll(async () => {
    app = await startUserApp('user_reflection');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('creates and fetches a user with no .proto on the client side', async () => {
    const email = `reflect-${Date.now()}@example.com`;
    const created = (await bufCurl(app.running.grpcTarget!, 'CreateUser', {
      name: 'Reflected',
      email,
    })) as { userId: string; status: string };
    expect(created.status).toBe('created');

    const fetched = (await bufCurl(app.running.grpcTarget!, 'GetUser', {
      user_id: created.userId,
    })) as { user: { name: string; email: string; createdAt: string } };
    expect(fetched.user).toMatchObject({ name: 'Reflected', email });
    expect(fetched.user.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('checks grpc.health.v1 with no .proto on the client side', async () => {
    const target = app.running.grpcTarget!;
    expect(await bufCurl(target, 'Check', { service: '' }, 'grpc.health.v1.Health')).toEqual({
      status: 'SERVING',
    });
  });

  it('answers an invalid request with the validation error, not a reflection failure', async () => {
    await expect(
      bufCurl(app.running.grpcTarget!, 'GetUser', { user_id: 'not-a-uuid' }),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('invalid_argument') });
  });
});
