import { ToolkitError } from '../errors/toolkit-error';
import { OpenStreams } from './open-streams';

describe('OpenStreams', () => {
  it('ends the open streams with the error, not the closed ones', () => {
    const streams = new OpenStreams();
    const ended: string[] = [];
    streams.open((error) => ended.push(`a:${error.message}`));
    const closeB = streams.open(() => ended.push('b'));
    closeB();
    streams.endAll(ToolkitError.unavailable('server shutting down'));
    expect(ended).toEqual(['a:server shutting down']);
    expect(streams.size).toBe(0);
  });

  it('ends a stream opened after endAll right away (one accepted during the drain)', async () => {
    const streams = new OpenStreams();
    streams.endAll(ToolkitError.unavailable('server shutting down'));
    const ended: number[] = [];
    streams.open((error) => ended.push(error.code));
    await Promise.resolve();
    expect(ended).toEqual([ToolkitError.unavailable('x').code]);
    expect(streams.size).toBe(0);
  });
});
