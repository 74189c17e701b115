import { ThrottledWarnings } from './throttled-warnings';

describe('ThrottledWarnings', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('collapses a storm to the first line and one count per interval', () => {
    const warn = jest.fn();
    const warnings = new ThrottledWarnings({ warn }, 1000);
    for (let index = 0; index < 550; index += 1) warnings.warn('cache', `read ${index} failed`);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenLastCalledWith('read 0 failed');
    jest.advanceTimersByTime(1000);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith('read 549 failed (and 549 more like it in the last 1s)');
  });

  it('keeps kinds apart and says nothing more when a warning was alone', () => {
    const warn = jest.fn();
    const warnings = new ThrottledWarnings({ warn }, 1000);
    warnings.warn('a', 'a failed');
    warnings.warn('b', 'b failed');
    jest.advanceTimersByTime(1000);
    expect(warn.mock.calls).toEqual([['a failed'], ['b failed']]);
  });
});
