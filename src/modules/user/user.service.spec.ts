import { ToolkitLogger } from '../../toolkit/runtime/toolkit-logger';
import { quietLogger } from '../../../test/support/quiet-logger';
import { createUserServicePluginMocks } from '../../gen/userservice/user-service.toolkit.mocks';
import { GrpcStatus, ToolkitError } from '../../toolkit/errors';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';
import { UserService } from './user.service';
import { UserSettings } from './user.settings';

const HOUR_MS = 3_600_000;

/** The call a request runs in: its deadline must reach every database call. */
const SCOPE = { deadline: Date.now() + 60_000 };

function user(fields: Partial<UserEntity> = {}): UserEntity {
  return Object.assign(new UserEntity(), {
    id: 'test-user-id',
    name: 'John Doe',
    email: 'john@example.com',
    createdAt: new Date('2025-01-02T03:04:05.678Z'),
    updatedAt: new Date('2025-01-02T03:04:05.678Z'),
    ...fields,
  });
}

function setup(settings: Partial<UserSettings> = {}) {
  const plugins = createUserServicePluginMocks();
  const repository = {
    create: jest.fn(),
    findById: jest.fn(),
    findByEmail: jest.fn(),
    update: jest.fn(),
    delete: jest.fn(),
    list: jest.fn(),
  } satisfies Record<keyof UserRepository, jest.Mock>;
  const service = new UserService(
    repository as unknown as UserRepository,
    plugins.cache,
    { CACHE_TIMEOUT: HOUR_MS, ENABLE_USER_CACHE: true, ...settings },
    quietLogger(),
  );
  return { service, repository, cache: plugins.cache };
}

async function rejection(promise: Promise<unknown>): Promise<ToolkitError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ToolkitError);
  return error as ToolkitError;
}

beforeEach(() => {
  jest.spyOn(ToolkitLogger.prototype, 'log').mockImplementation(() => undefined);
  jest.spyOn(ToolkitLogger.prototype, 'warn').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

describe('UserService.createUser', () => {
  it('creates the user and caches it', async () => {
    const { service, repository, cache } = setup();
    repository.findByEmail.mockResolvedValue(null);
    repository.create.mockImplementation(async (fields: { name: string; email: string }) =>
      user({ ...fields, id: 'test-user-id' }),
    );

    const created = await service.createUser('John Doe', 'john@example.com', SCOPE);

    expect(created).toMatchObject({
      id: 'test-user-id',
      name: 'John Doe',
      email: 'john@example.com',
    });
    expect(repository.findByEmail).toHaveBeenCalledWith('john@example.com', SCOPE);
    expect(repository.create).toHaveBeenCalledWith(
      { name: 'John Doe', email: 'john@example.com' },
      SCOPE,
    );
    expect(cache.set).toHaveBeenCalledWith('user:test-user-id', JSON.stringify(created), HOUR_MS);
  });

  it('refuses an email that already exists with ALREADY_EXISTS', async () => {
    const { service, repository, cache } = setup();
    repository.findByEmail.mockResolvedValue(user({ id: 'existing-id' }));

    const error = await rejection(service.createUser('John Doe', 'john@example.com'));

    expect(error.code).toBe(GrpcStatus.ALREADY_EXISTS);
    expect(error.message).toContain('already exists');
    expect(repository.create).not.toHaveBeenCalled();
    expect(cache.set).not.toHaveBeenCalled();
  });

  it('answers ALREADY_EXISTS when a concurrent create wins the unique constraint', async () => {
    const { service, repository } = setup();
    repository.findByEmail.mockResolvedValue(null);
    repository.create.mockRejectedValue(
      Object.assign(new Error('duplicate key'), { code: '23505' }),
    );

    expect((await rejection(service.createUser('A', 'a@example.com'))).code).toBe(
      GrpcStatus.ALREADY_EXISTS,
    );
  });

  it('still creates the user when caching it fails', async () => {
    const { service, repository, cache } = setup();
    repository.findByEmail.mockResolvedValue(null);
    repository.create.mockResolvedValue(user());
    cache.set.mockRejectedValue(new Error('Connection is closed.'));

    await expect(service.createUser('John Doe', 'john@example.com')).resolves.toMatchObject({
      id: 'test-user-id',
    });
    expect(ToolkitLogger.prototype.warn).toHaveBeenCalled();
  });
});

describe('UserService.getUser cache-aside', () => {
  it('answers a cache hit without touching PostgreSQL', async () => {
    const { service, repository, cache } = setup();
    const stored = user();
    cache.get.mockResolvedValue(JSON.stringify(stored));

    const found = await service.getUser('test-user-id');

    expect(found).toEqual(stored);
    expect(found.createdAt).toBeInstanceOf(Date);
    expect(cache.get).toHaveBeenCalledWith('user:test-user-id');
    expect(repository.findById).not.toHaveBeenCalled();
  });

  it('on a miss reads PostgreSQL and caches the user for CACHE_TIMEOUT', async () => {
    const { service, repository, cache } = setup({ CACHE_TIMEOUT: 5_000 });
    repository.findById.mockResolvedValue(user());

    expect(await service.getUser('test-user-id')).toEqual(user());
    expect(cache.set).toHaveBeenCalledWith('user:test-user-id', JSON.stringify(user()), 5_000);
  });

  it('serves from PostgreSQL with a warning when Redis fails', async () => {
    const { service, repository, cache } = setup();
    cache.get.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    cache.set.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:1'));
    repository.findById.mockResolvedValue(user());

    expect(await service.getUser('test-user-id')).toEqual(user());
    expect(ToolkitLogger.prototype.warn).toHaveBeenCalledWith(
      expect.stringContaining('ECONNREFUSED'),
    );
  });

  it('treats an unreadable cache entry as a miss', async () => {
    const { service, repository, cache } = setup();
    cache.get.mockResolvedValue('{"id":');
    repository.findById.mockResolvedValue(user());

    expect(await service.getUser('test-user-id')).toEqual(user());
    expect(repository.findById).toHaveBeenCalled();
  });

  it('neither reads nor writes the cache with ENABLE_USER_CACHE=false', async () => {
    const { service, repository, cache } = setup({ ENABLE_USER_CACHE: false });
    repository.findById.mockResolvedValue(user());

    await service.getUser('test-user-id');

    expect(cache.get).not.toHaveBeenCalled();
    expect(cache.set).not.toHaveBeenCalled();
  });

  it('answers NOT_FOUND for an unknown id and looks it up in lower case', async () => {
    const { service, repository, cache } = setup();
    repository.findById.mockResolvedValue(null);
    const id = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11';

    expect((await rejection(service.getUser(id, SCOPE))).code).toBe(GrpcStatus.NOT_FOUND);
    expect(cache.get).toHaveBeenCalledWith(`user:${id.toLowerCase()}`);
    expect(repository.findById).toHaveBeenCalledWith(id.toLowerCase(), SCOPE);
  });
});

describe('UserService.updateUser / deleteUser', () => {
  it('updates and invalidates the cached user', async () => {
    const { service, repository, cache } = setup();
    repository.findById.mockResolvedValue(user());
    repository.findByEmail.mockResolvedValue(null);
    repository.update.mockResolvedValue(user({ email: 'new@example.com' }));

    const updated = await service.updateUser('test-user-id', { email: 'new@example.com' }, SCOPE);

    expect(updated.email).toBe('new@example.com');
    expect(repository.findById).toHaveBeenCalledWith('test-user-id', SCOPE);
    expect(repository.findByEmail).toHaveBeenCalledWith('new@example.com', SCOPE);
    expect(repository.update).toHaveBeenCalledWith(
      'test-user-id',
      { email: 'new@example.com' },
      SCOPE,
    );
    expect(cache.del).toHaveBeenCalledWith('user:test-user-id');
  });

  it('refuses an email another user has with ALREADY_EXISTS', async () => {
    const { service, repository } = setup();
    repository.findById.mockResolvedValue(user());
    repository.findByEmail.mockResolvedValue(user({ id: 'other-id', email: 'taken@example.com' }));

    const error = await rejection(
      service.updateUser('test-user-id', { email: 'taken@example.com' }),
    );

    expect(error.code).toBe(GrpcStatus.ALREADY_EXISTS);
    expect(repository.update).not.toHaveBeenCalled();
  });

  it('answers NOT_FOUND when updating or deleting an unknown id', async () => {
    const { service, repository, cache } = setup();
    repository.findById.mockResolvedValue(null);
    repository.delete.mockResolvedValue(false);

    expect((await rejection(service.updateUser('x', { name: 'n' }))).code).toBe(
      GrpcStatus.NOT_FOUND,
    );
    expect((await rejection(service.deleteUser('x'))).code).toBe(GrpcStatus.NOT_FOUND);
    expect(cache.del).not.toHaveBeenCalled();
  });

  it('deletes and invalidates the cached user, even when Redis fails', async () => {
    const { service, repository, cache } = setup();
    repository.delete.mockResolvedValue(true);
    cache.del.mockRejectedValueOnce(new Error('Connection is closed.'));

    await expect(service.deleteUser('test-user-id')).resolves.toBeUndefined();
    expect(cache.del).toHaveBeenCalledWith('user:test-user-id');
  });
});
