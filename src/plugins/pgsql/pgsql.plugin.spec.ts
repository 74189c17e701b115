import { DataSource, EntityManager } from 'typeorm';
import { GrpcStatus, ToolkitError } from '../../toolkit/errors';
import { isPgsqlUnavailable } from './pgsql.failures';
import { TypeOrmPgsqlPlugin } from './pgsql.plugin';

const lostConnection = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const adminShutdown = () =>
  Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });

function plugin(retries: number) {
  const transaction = jest.fn();
  const dataSource = { transaction } as unknown as DataSource;
  const pgsql = new TypeOrmPgsqlPlugin(dataSource, {
    retries,
    initialDelayMs: 1,
    maxDelayMs: 5,
    backend: 'PostgreSQL test',
  });
  return { pgsql, transaction };
}

describe('PgsqlPlugin.read', () => {
  it('repeats a read after a lost connection or an admin shutdown', async () => {
    const { pgsql } = plugin(2);
    const work = jest
      .fn()
      .mockRejectedValueOnce(lostConnection())
      .mockRejectedValueOnce(adminShutdown())
      .mockResolvedValueOnce('row');
    await expect(pgsql.read(work)).resolves.toBe('row');
    expect(work).toHaveBeenCalledTimes(3);
  });

  it('gives up after RETRIES retries with the driver error, which the filter maps to UNAVAILABLE', async () => {
    const { pgsql } = plugin(1);
    const work = jest.fn().mockRejectedValue(lostConnection());
    await expect(pgsql.read(work)).rejects.toThrow('ECONNREFUSED');
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('does not repeat a statement error (it would fail again)', async () => {
    const { pgsql } = plugin(3);
    const work = jest
      .fn()
      .mockRejectedValue(Object.assign(new Error('syntax error'), { code: '42601' }));
    await expect(pgsql.read(work)).rejects.toThrow('syntax error');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('never runs past the call deadline', async () => {
    const { pgsql } = plugin(3);
    const error = await pgsql
      .read(() => new Promise(() => undefined), { deadline: Date.now() + 20 })
      .catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ToolkitError);
    expect((error as ToolkitError).code).toBe(GrpcStatus.DEADLINE_EXCEEDED);
  });
});

describe('PgsqlPlugin.transaction', () => {
  it('does not repeat a transaction whose connection dropped (it may have committed)', async () => {
    const { pgsql, transaction } = plugin(3);
    transaction.mockRejectedValue(lostConnection());
    await expect(pgsql.transaction(async (_manager: EntityManager) => 1)).rejects.toThrow(
      'ECONNREFUSED',
    );
    expect(transaction).toHaveBeenCalledTimes(1);
  });

  it('repeats a transaction PostgreSQL rolled back as a serialization failure', async () => {
    const { pgsql, transaction } = plugin(3);
    transaction
      .mockRejectedValueOnce(Object.assign(new Error('could not serialize'), { code: '40001' }))
      .mockResolvedValueOnce(7);
    await expect(pgsql.transaction(async () => 7)).resolves.toBe(7);
    expect(transaction).toHaveBeenCalledTimes(2);
  });
});

describe('isPgsqlUnavailable', () => {
  it.each([
    ['admin shutdown', adminShutdown()],
    ['too many connections', Object.assign(new Error('too many clients'), { code: '53300' })],
    ['cannot connect now', Object.assign(new Error('starting up'), { code: '57P03' })],
    ['connection exception', Object.assign(new Error('x'), { code: '08006' })],
    ['pool exhausted', new Error('timeout exceeded when trying to connect')],
    ['connection died', new Error('Connection terminated unexpectedly')],
  ])('recognizes %s', (_name, error) => {
    expect(isPgsqlUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['bad input', Object.assign(new Error('invalid input syntax'), { code: '22P02' })],
    ['a bug', new TypeError('x is undefined')],
  ])('leaves %s alone', (_name, error) => {
    expect(isPgsqlUnavailable(error)).toBe(false);
  });
});
