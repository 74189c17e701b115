import { databaseInputError } from './database-input-error';
import { GrpcStatus } from './grpc-status';
import { toToolkitError } from './to-toolkit-error';

describe('database input errors', () => {
  it('maps values PostgreSQL refuses to INVALID_ARGUMENT without leaking SQL', () => {
    const indexRowTooLarge = Object.assign(
      new Error('index row size 10016 exceeds btree maximum'),
      {
        code: '54000',
      },
    );
    const { error, unexpected } = toToolkitError(indexRowTooLarge);
    expect(unexpected).toBe(false);
    expect(error.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error.message).toBe('invalid request: a value is too large');
    // TypeORM's QueryFailedError carries the pg error as driverError.
    expect(databaseInputError({ driverError: { code: '22021' } })?.code).toBe(
      GrpcStatus.INVALID_ARGUMENT,
    );
    expect(databaseInputError({ code: '22001' })?.message).toContain('too long');
  });

  it('leaves every other error alone', () => {
    expect(databaseInputError({ code: '23505' })).toBeUndefined();
    expect(databaseInputError(new Error('boom'))).toBeUndefined();
    expect(databaseInputError({ code: 'ECONNREFUSED' })).toBeUndefined();
    expect(toToolkitError({ code: '40001' }).error.code).toBe(GrpcStatus.INTERNAL);
  });
});
