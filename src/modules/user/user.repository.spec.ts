import { EntityManager } from 'typeorm';
import { createUserServicePluginMocks } from '../../gen/userservice/user-service.toolkit.mocks';
import { OutboxWriter } from '../../plugins/queue';
import { UserEntity } from './user.entity';
import { USER_CREATED, USER_UPDATED } from './user.events';
import { UserRepository } from './user.repository';

const ROW = {
  id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  name: 'Ann',
  email: 'ann@example.com',
  created_at: '2025-01-02T03:04:05.000Z',
  updated_at: '2025-01-02T03:04:05.000Z',
};

/**
 * A repository over the generated pgsql mock: `transaction(work)` hands `work` the mock's manager,
 * whose query builder answers `result`; the outbox writer is a jest mock.
 */
function setup(result: { raw: unknown[]; affected?: number }) {
  const { pgsql } = createUserServicePluginMocks();
  const execute = jest.fn().mockResolvedValue(result);
  const builder = {
    insert: () => builder,
    update: () => builder,
    values: () => builder,
    set: () => builder,
    where: () => builder,
    returning: () => builder,
    execute,
  };
  const repository = { createQueryBuilder: () => builder, create: (fields: object) => fields };
  const manager = pgsql.dataSource.manager;
  Object.assign(manager, { getRepository: jest.fn(() => repository) });
  Object.assign(pgsql.dataSource, { getRepository: () => repository });
  const outbox = { add: jest.fn().mockResolvedValue('message-id') };
  const users = new UserRepository(pgsql, outbox as unknown as OutboxWriter);
  return { users, pgsql, manager, outbox, execute };
}

describe('UserRepository events (transactional outbox)', () => {
  it('writes user.created through the manager of the insert transaction', async () => {
    const { users, pgsql, manager, outbox } = setup({ raw: [ROW] });

    const created = await users.create({ name: 'Ann', email: 'ann@example.com' });

    expect(pgsql.transaction).toHaveBeenCalledTimes(1);
    expect(manager.getRepository).toHaveBeenCalledWith(UserEntity);
    expect(outbox.add).toHaveBeenCalledWith<[EntityManager, string, object]>(
      manager,
      USER_CREATED,
      { type: USER_CREATED, user_id: ROW.id, name: 'Ann', email: 'ann@example.com' },
    );
    expect(created).toMatchObject({ id: ROW.id, email: 'ann@example.com' });
  });

  it('writes user.updated with the state after the update', async () => {
    const { users, manager, outbox } = setup({
      raw: [{ ...ROW, email: 'new@example.com' }],
      affected: 1,
    });

    await users.update(ROW.id, { email: 'new@example.com' });

    expect(outbox.add).toHaveBeenCalledWith(manager, USER_UPDATED, {
      type: USER_UPDATED,
      user_id: ROW.id,
      name: 'Ann',
      email: 'new@example.com',
    });
  });

  it('writes no event when no user has the id', async () => {
    const { users, outbox } = setup({ raw: [], affected: 0 });

    await expect(users.update(ROW.id, { name: 'B' })).resolves.toBeNull();
    expect(outbox.add).not.toHaveBeenCalled();
  });

  it('fails the create (rolling the insert back) when the event cannot be written', async () => {
    const { users, outbox } = setup({ raw: [ROW] });
    outbox.add.mockRejectedValue(new Error('relation "user_outbox" does not exist'));

    await expect(users.create({ name: 'Ann', email: 'ann@example.com' })).rejects.toThrow(
      'user_outbox',
    );
  });
});

describe('UserRepository deadlines', () => {
  it("hands the call's deadline to every transaction and read of the pgsql plugin", async () => {
    const { users, pgsql } = setup({ raw: [ROW], affected: 1 });
    pgsql.read.mockResolvedValue(null);
    const bound = { deadline: Date.now() + 60_000 };

    await users.create({ name: 'Ann', email: 'ann@example.com' }, bound);
    await users.update(ROW.id, { name: 'B' }, bound);
    await users.findById(ROW.id, bound);

    expect(pgsql.transaction).toHaveBeenNthCalledWith(1, expect.any(Function), bound);
    expect(pgsql.transaction).toHaveBeenNthCalledWith(2, expect.any(Function), bound);
    expect(pgsql.read).toHaveBeenCalledWith(expect.any(Function), bound);
  });
});
