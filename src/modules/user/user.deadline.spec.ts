import { DataSource } from 'typeorm';
import { quietLogger } from '../../../test/support/quiet-logger';
import { createUserServicePluginMocks } from '../../gen/userservice/user-service.toolkit.mocks';
import { TypeOrmPgsqlPlugin } from '../../plugins/pgsql';
import { OutboxWriter } from '../../plugins/queue';
import { CallContext } from '../../toolkit/pipeline';
import { UserController } from './user.controller';
import { UserRepository } from './user.repository';
import { UserService } from './user.service';

const USER_ID = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';

/**
 * The user-service from its controller down to the real pgsql plugin, over a PostgreSQL that
 * refuses every connection (a transient failure the plugin retries, up to `retries` times).
 */
function setup(retries: number) {
  const findOneBy = jest
    .fn()
    .mockRejectedValue(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  const dataSource = { getRepository: () => ({ findOneBy }) } as unknown as DataSource;
  const pgsql = new TypeOrmPgsqlPlugin(dataSource, {
    retries,
    initialDelayMs: 5,
    maxDelayMs: 5,
    backend: 'PostgreSQL user-service/pgsql',
  });
  const users = new UserRepository(pgsql, {} as OutboxWriter);
  const service = new UserService(
    users,
    createUserServicePluginMocks().cache,
    { CACHE_TIMEOUT: 1000, ENABLE_USER_CACHE: false },
    quietLogger(),
  );
  return { controller: new UserController(service), findOneBy };
}

function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (reason: unknown) => reason,
  );
}

describe("a request's deadline bounds its database retries", () => {
  it('stops retrying a lost PostgreSQL at the deadline of the call', async () => {
    const { controller, findOneBy } = setup(100_000);
    const call = { deadline: Date.now() + 100 } as CallContext;

    const outcome = await settled(controller.getUser({ user_id: USER_ID }, call));

    expect(outcome).toBeInstanceOf(Error);
    const attempts = findOneBy.mock.calls.length;
    expect(attempts).toBeGreaterThan(1);
    // Nobody waits for the answer any more: no attempt follows the deadline.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(findOneBy).toHaveBeenCalledTimes(attempts);
  });

  it('without a call (no deadline) only the retry limit bounds the work', async () => {
    const { controller, findOneBy } = setup(3);

    const outcome = await settled(controller.getUser({ user_id: USER_ID }));

    expect(outcome).toMatchObject({ code: 'ECONNREFUSED' });
    expect(findOneBy).toHaveBeenCalledTimes(4);
  });
});
