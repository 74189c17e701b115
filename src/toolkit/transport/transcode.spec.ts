import { MethodDescriptor } from '../descriptor';
import { CODEC_TEST_TYPES, REQUEST } from '../protojson/descriptors.mocks';
import { DescriptorRegistry } from '../descriptor';
import { ToolkitError } from '../errors';
import { transcodeHttpRequest } from './transcode';

const method = (body: string | undefined): MethodDescriptor => ({
  name: 'Update',
  localName: 'update',
  grpcPath: '/codec_test.Svc/Update',
  requestType: REQUEST,
  responseType: REQUEST,
  clientStreaming: false,
  serverStreaming: false,
  http: { method: 'PATCH', path: '/users/{user_id}', body, pathParams: ['user_id'] },
  websocket: false,
  middlewares: [],
  excludeGlobalMiddlewares: [],
});

const types = new DescriptorRegistry([CODEC_TEST_TYPES]);

describe('transcodeHttpRequest', () => {
  it('puts a named body field under that field and ignores query values for it', () => {
    const message = transcodeHttpRequest(
      types,
      method('nested'),
      method('nested').http!,
      { user_id: 'u-1' },
      {
        query: { 'nested.name': 'from-query', limit: '3' },
        body: { name: 'from-body' },
      },
    );
    expect(message).toMatchObject({
      user_id: 'u-1',
      limit: 3,
      nested: { name: 'from-body' },
    });
  });

  it('reads the other fields from the query when the body is absent', () => {
    const message = transcodeHttpRequest(
      types,
      method('nested'),
      method('nested').http!,
      { user_id: 'u-1' },
      {
        query: { limit: '4' },
        body: undefined,
      },
    );
    expect(message).toMatchObject({ user_id: 'u-1', limit: 4 });
  });

  it('takes no query parameters with body "*", the path still wins', () => {
    const message = transcodeHttpRequest(
      types,
      method('*'),
      method('*').http!,
      { user_id: 'from-path' },
      {
        query: { limit: '9', search: 's' },
        body: { user_id: 'from-body', limit: 5 },
      },
    );
    expect(message).toMatchObject({ user_id: 'from-path', limit: 5, search: undefined });
  });

  it('reads every field from path and query without a body', () => {
    const message = transcodeHttpRequest(
      types,
      method(undefined),
      method(undefined).http!,
      { user_id: 'u-2' },
      {
        query: { tags: ['a', 'b'], color: 'RED' },
        body: { limit: 7 },
      },
    );
    expect(message).toMatchObject({ user_id: 'u-2', tags: ['a', 'b'], color: 'RED', limit: 0 });
  });

  it('turns a bad value into INVALID_ARGUMENT naming the field', () => {
    const act = () =>
      transcodeHttpRequest(
        types,
        method('nested'),
        method('nested').http!,
        { user_id: 'u-1' },
        {
          query: { limit: 'ten' },
          body: { name: 'n' },
        },
      );
    expect(act).toThrow(ToolkitError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({
        code: 3,
        violations: [{ field: 'limit', description: expect.any(String) }],
      });
    }
  });
});
