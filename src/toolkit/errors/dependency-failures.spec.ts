import { QueryFailedError } from 'typeorm';
import { GrpcStatus } from './grpc-status';
import { DependencyFailures } from './dependency-failures';
import { toToolkitError } from './to-toolkit-error';
import { ToolkitError } from './toolkit-error';

const adminShutdown = () =>
  Object.assign(new Error('terminating connection due to administrator command'), {
    code: '57P01',
  });

describe('DependencyFailures and toToolkitError', () => {
  it('maps what a plugin registered to UNAVAILABLE, found through TypeORM and cause chains', () => {
    const failures = new DependencyFailures();
    failures.register({
      dependency: 'PostgreSQL test',
      matches: (error) => (error as { code?: unknown }).code === '57P01',
    });
    const wrapped = new QueryFailedError('SELECT 1', [], adminShutdown());
    const normalized = toToolkitError(new Error('outer', { cause: wrapped }), failures);
    expect(normalized.error.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(normalized.unexpected).toBe(false);
    expect(normalized.dependencyFailure?.dependency).toBe('PostgreSQL test');
    // The client never learns which backend or why.
    expect(normalized.error.message).not.toMatch(/PostgreSQL|administrator/);
  });

  it('maps network errors of any library without a registration', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    expect(toToolkitError(refused).error.code).toBe(GrpcStatus.UNAVAILABLE);
  });

  it('leaves bugs INTERNAL and ToolkitErrors as they are', () => {
    const failures = new DependencyFailures();
    failures.register({ dependency: 'x', matches: () => false });
    expect(toToolkitError(new TypeError('boom'), failures)).toMatchObject({ unexpected: true });
    expect(toToolkitError(new TypeError('boom'), failures).error.code).toBe(GrpcStatus.INTERNAL);
    const notFound = ToolkitError.notFound('nope');
    expect(toToolkitError(notFound, failures).error).toBe(notFound);
  });
});
