import { GrpcStatus, ToolkitError } from '../errors';
import { assertCallerBinding } from './caller-binding';

const binding = { field: 'owner.id', actForOthersRoles: ['admin'] };
const alice = { subject: 'alice', roles: ['user'] };

function refusal(fn: () => void): ToolkitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ToolkitError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('assertCallerBinding', () => {
  it('lets a caller act for itself', () => {
    expect(() => assertCallerBinding(binding, { owner: { id: 'alice' } }, alice)).not.toThrow();
  });

  it('refuses another user id with PERMISSION_DENIED, and a missing field too', () => {
    expect(refusal(() => assertCallerBinding(binding, { owner: { id: 'bob' } }, alice)).code).toBe(
      GrpcStatus.PERMISSION_DENIED,
    );
    expect(refusal(() => assertCallerBinding(binding, {}, alice)).code).toBe(
      GrpcStatus.PERMISSION_DENIED,
    );
  });

  it('lets a role that may act for others through', () => {
    expect(() =>
      assertCallerBinding(binding, { owner: { id: 'bob' } }, { subject: 'root', roles: ['admin'] }),
    ).not.toThrow();
  });

  it('refuses a call without a verified caller with UNAUTHENTICATED', () => {
    expect(
      refusal(() => assertCallerBinding(binding, { owner: { id: 'bob' } }, undefined)).code,
    ).toBe(GrpcStatus.UNAUTHENTICATED);
  });

  it('lets nobody act for others when no role is listed', () => {
    const strict = { field: 'owner.id', actForOthersRoles: [] };
    expect(
      refusal(() =>
        assertCallerBinding(
          strict,
          { owner: { id: 'bob' } },
          { subject: 'root', roles: ['admin'] },
        ),
      ).code,
    ).toBe(GrpcStatus.PERMISSION_DENIED);
  });
});
