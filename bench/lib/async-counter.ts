import { createHook } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';

/**
 * Preloaded (`node --require`) into a server by `npm run bench -- --profile`: counts the async
 * resources (promises, ticks, timers, ...) the process creates from its first HTTP request on,
 * and the HTTP requests it receives, and writes both as JSON to `BENCH_ASYNC_COUNT_FILE` at exit.
 * Divided by the requests, the counts say how many promises (awaits included) and timers each
 * request costs, independently of how loaded the machine is. The hook itself slows the process
 * down, so it is never loaded into a server whose CPU is being measured or profiled.
 */
const file = process.env.BENCH_ASYNC_COUNT_FILE;
if (file) {
  const byType: Record<string, number> = {};
  let requests = 0;
  const hook = createHook({
    init(_id, type) {
      byType[type] = (byType[type] ?? 0) + 1;
    },
  });
  // Start-up's promises are not request cost: count from the first request on.
  subscribe('http.server.request.start', () => {
    if (requests === 0) hook.enable();
    requests += 1;
  });
  process.on('exit', () => {
    hook.disable();
    writeFileSync(file, JSON.stringify({ requests, byType }));
  });
}
