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

  it('keeps the type and the payload exactly as sent, extra fields ignored', () => {
    const frame = parseFrame(
      text('{"type":"SendMessage","payload":{"message":"hi","nested":{"a":[1,2]}},"extra":true}'),
      false,
    );
    expect(frame).toEqual({
      type: 'SendMessage',
      payload: { message: 'hi', nested: { a: [1, 2] } },
    });
  });

  it('refuses binary frames', () => {
    expect(parseFrame(text('{}'), true)).toEqual({
      error: 'binary frames are not supported; send JSON text',
    });
  });

  it.each([
    ['{not json', 'frame is not valid JSON'],
    ['', 'frame is not valid JSON'],
    ['[]', 'frame must be a JSON object {"type": ..., "payload": ...}'],
    ['null', 'frame must be a JSON object {"type": ..., "payload": ...}'],
    ['"SendMessage"', 'frame must be a JSON object {"type": ..., "payload": ...}'],
    ['{}', 'frame "type" must be a non-empty string'],
    ['{"type":""}', 'frame "type" must be a non-empty string'],
    ['{"type":7}', 'frame "type" must be a non-empty string'],
    ['{"type":{"toString":"x"}}', 'frame "type" must be a non-empty string'],
    ['{"type":["SendMessage"]}', 'frame "type" must be a non-empty string'],
  ])('refuses %s: %s', (value, error) => {
    expect(parseFrame(text(value), false)).toEqual({ error });
  });

  it('does not let a "__proto__" key supply the type', () => {
    expect(parseFrame(text('{"__proto__":{"type":"SendMessage"}}'), false)).toEqual({
      error: 'frame "type" must be a non-empty string',
    });
    expect(({} as { type?: unknown }).type).toBeUndefined();
  });
});
