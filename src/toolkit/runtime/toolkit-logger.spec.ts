import { Writable } from 'node:stream';
import pino from 'pino';
import { createPinoLogger, isoTimeField } from './toolkit-logger';

afterEach(() => jest.restoreAllMocks());

describe('isoTimeField', () => {
  it("writes what pino's isoTime writes, within a second and across seconds", () => {
    const field = isoTimeField();
    const instants = [
      Date.parse('2026-12-01T15:04:05.000Z'),
      Date.parse('2026-12-01T15:04:05.007Z'),
      Date.parse('2026-12-01T15:04:05.042Z'),
      Date.parse('2026-12-01T15:04:05.999Z'),
      Date.parse('2026-12-01T15:04:06.000Z'),
      Date.parse('2026-12-31T23:59:59.999Z'),
      Date.parse('2027-01-01T00:00:00.001Z'),
      Date.parse('2028-02-29T12:00:00.120Z'),
      Date.parse('1969-12-31T23:59:59.999Z'),
      0,
    ];
    const now = jest.spyOn(Date, 'now');
    for (const instant of instants) {
      now.mockReturnValue(instant);
      expect(field()).toBe(pino.stdTimeFunctions.isoTime());
    }
  });

  it("puts the line's time in the logger's lines", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-01T15:04:05.067Z'));
    createPinoLogger({ level: 'info', name: 'svc', destination }).info('hello');
    expect(JSON.parse(lines[0])).toMatchObject({ time: '2026-12-01T15:04:05.067Z', msg: 'hello' });
  });
});
