import { parseFrame } from './frames';

const text = (value: string) => Buffer.from(value);

describe('parseFrame', () => {
  it('reads a {type, payload} text frame, from any ws buffer shape', () => {
    expect(parseFrame(text('{"type":"send","payload":{"a":1}}'), false)).toEqual({
      type: 'send',
      payload: { a: 1 },
    });
    expect(parseFrame([text('{"type":'), text('"ping"}')], false)).toEqual({
      type: 'ping',
      payload: undefined,
    });
  });

  it('says what is wrong with anything else', () => {
    expect(parseFrame(text('{}'), true)).toEqual({
      error: 'binary frames are not supported; send JSON text',
    });
    expect(parseFrame(text('nope'), false)).toEqual({ error: 'frame is not valid JSON' });
    expect(parseFrame(text('[1]'), false)).toEqual({
      error: 'frame must be a JSON object {"type": ..., "payload": ...}',
    });
    expect(parseFrame(text('{"type":""}'), false)).toEqual({
      error: 'frame "type" must be a non-empty string',
    });
  });
});
