import { DescriptorRegistry, HttpRule, MethodDescriptor } from '../descriptor';
import { deepFreeze } from '../runtime/frozen-values';
import { encodeHttpResponse } from '../transport/transcode';
import { compileStreamText } from './stream-text';

jest.mock('../transport/transcode', () => ({
  encodeHttpResponse: jest.fn(
    (_types: unknown, _method: unknown, rule: HttpRule | undefined, message: object) => ({
      ...message,
      via: rule?.path ?? null,
    }),
  ),
}));

const encode = jest.mocked(encodeHttpResponse);
const primary: HttpRule = {
  method: 'GET',
  path: '/rooms/{room_id}/stream',
  pathParams: ['room_id'],
};
const additional: HttpRule = {
  method: 'GET',
  path: '/v2/rooms/{room_id}/stream',
  pathParams: ['room_id'],
};

function method(serverStreaming: boolean): MethodDescriptor {
  return {
    name: 'Watch',
    localName: 'watch',
    grpcPath: '/spec.Svc/Watch',
    requestType: 'spec.Request',
    responseType: 'spec.Message',
    clientStreaming: false,
    serverStreaming,
    websocket: false,
    middlewares: [],
    excludeGlobalMiddlewares: [],
    http: { ...primary, additionalBindings: [additional] },
  };
}

describe('compileStreamText', () => {
  const types = new DescriptorRegistry([]);
  beforeEach(() => encode.mockClear());

  it('turns a deeply frozen message fanned out to many streams into JSON once per rule', () => {
    const watch = method(true);
    const streamText = compileStreamText(types, watch);
    const message = deepFreeze({ id: 'm1', sent_at: { seconds: '1', nanos: 0 } });
    // Three subscribers on the primary binding, two on the additional one: two encodings.
    const texts = [
      ...[1, 2, 3].map(() => streamText(watch.http)(message)),
      ...[1, 2].map(() => streamText(watch.http!.additionalBindings![0])(message)),
    ];
    expect(encode).toHaveBeenCalledTimes(2);
    expect(texts.map((text) => JSON.parse(text) as { via: string })).toEqual([
      ...Array(3).fill({ ...message, via: primary.path }),
      ...Array(2).fill({ ...message, via: additional.path }),
    ]);
  });

  it('encodes every write of a message that can still change', () => {
    const watch = method(true);
    const text = compileStreamText(types, watch)(watch.http);
    const reused = { id: 'm1' };
    expect(JSON.parse(text(reused))).toMatchObject({ id: 'm1' });
    reused.id = 'm2';
    expect(JSON.parse(text(reused))).toMatchObject({ id: 'm2' });
    expect(encode).toHaveBeenCalledTimes(2);
  });

  it('keeps nothing for unary methods, whose responses are written once', () => {
    const get = method(false);
    const text = compileStreamText(types, get)(get.http);
    const message = deepFreeze({ id: 'm1' });
    text(message);
    text(message);
    expect(encode).toHaveBeenCalledTimes(2);
  });

  it('still encodes under a rule the method does not declare', () => {
    const watch = method(true);
    const other: HttpRule = { method: 'GET', path: '/elsewhere', pathParams: [] };
    expect(JSON.parse(compileStreamText(types, watch)(other)({ id: 'm1' }))).toEqual({
      id: 'm1',
      via: '/elsewhere',
    });
  });
});
