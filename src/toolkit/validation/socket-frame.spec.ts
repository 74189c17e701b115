import { parseSocketFrame } from './socket-frame';

describe('parseSocketFrame', () => {
  it('keeps the type and the payload exactly as sent, extra fields ignored', () => {
    const frame = parseSocketFrame(
      '{"type":"SendMessage","payload":{"message":"hi","nested":{"a":[1,2]}},"extra":true}',
    );
    expect(frame).toEqual({
      type: 'SendMessage',
      payload: { message: 'hi', nested: { a: [1, 2] } },
    });
  });

  it('accepts a frame without a payload', () => {
    expect(parseSocketFrame('{"type":"Ping"}')).toEqual({ type: 'Ping', payload: undefined });
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
  ])('refuses %s: %s', (text, error) => {
    expect(parseSocketFrame(text)).toEqual({ error });
  });

  it('does not let a "__proto__" key supply the type', () => {
    expect(parseSocketFrame('{"__proto__":{"type":"SendMessage"}}')).toEqual({
      error: 'frame "type" must be a non-empty string',
    });
    expect(({} as { type?: unknown }).type).toBeUndefined();
  });
});
