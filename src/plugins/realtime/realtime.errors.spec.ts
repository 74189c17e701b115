import { errorFrameFrom } from './realtime.errors';

describe('errorFrameFrom', () => {
  it('keeps a numeric gRPC status and the message', () => {
    const error = Object.assign(new Error('not a member'), { code: 7 });
    expect(errorFrameFrom(error)).toEqual({
      type: 'error',
      payload: { code: 'PERMISSION_DENIED', message: 'not a member' },
    });
  });

  it('keeps a status name', () => {
    expect(errorFrameFrom({ code: 'NOT_FOUND', message: 'no such room' })).toEqual({
      type: 'error',
      payload: { code: 'NOT_FOUND', message: 'no such room' },
    });
  });

  it('hides anything else behind INTERNAL', () => {
    const internal = { type: 'error', payload: { code: 'INTERNAL', message: 'internal error' } };
    expect(errorFrameFrom(new Error('password=hunter2 leaked'))).toEqual(internal);
    expect(errorFrameFrom({ code: 'ECONNREFUSED', message: 'connect 10.0.0.1:5432' })).toEqual(
      internal,
    );
    expect(errorFrameFrom({ code: 99, message: 'no such status' })).toEqual(internal);
    expect(errorFrameFrom('a string')).toEqual(internal);
  });
});
