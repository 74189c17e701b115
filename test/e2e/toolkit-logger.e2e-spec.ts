import { Injectable, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { bootstrapService, defineService, RunningService } from '../../src/toolkit/runtime';
import { echoService, EchoModule } from '../fixtures/toolkit-runtime/echo.fixture';

interface LogLine {
  name?: string;
  context?: string;
  msg?: string;
}

let releaseBothStarted: () => void = () => undefined;
const bothStarted = new Promise<void>((resolve) => {
  releaseBothStarted = resolve;
});

/** Logs through Nest's static Logger once both apps are up, as a late consumer callback would. */
@Injectable()
class LateProbe implements OnApplicationBootstrap {
  private readonly logger = new Logger('LateProbe');

  onApplicationBootstrap(): void {
    void bothStarted.then(() => this.logger.log('after both apps started'));
  }
}

@Module({ imports: [EchoModule], providers: [LateProbe] })
class ProbedEchoModule {}

const serviceNamed = (name: string, envPrefix: string) =>
  defineService({ ...echoService, name, envPrefix, module: ProbedEchoModule });

describe('log lines of several apps in one process', () => {
  const lines: LogLine[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
  const running: RunningService[] = [];

  beforeAll(async () => {
    for (const [name, prefix] of [
      ['alpha-service', 'ALPHA_SERVICE'],
      ['beta-service', 'BETA_SERVICE'],
    ]) {
      running.push(
        await bootstrapService(serviceNamed(name, prefix), { logDestination: destination }),
      );
    }
    releaseBothStarted();
    const deadline = Date.now() + 5_000;
    while (lines.filter((line) => line.context === 'LateProbe').length < 2) {
      if (Date.now() > deadline) throw new Error('the probes did not log');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.close()));
  });

  it("carry their own app's name, for Nest Logger lines written after another app started", () => {
    const probes = lines.filter((line) => line.context === 'LateProbe');
    expect(probes.map((line) => line.name).sort()).toEqual(['alpha-service', 'beta-service']);
  });

  it("carry their own app's name for Nest's start-up lines", () => {
    const mapped = lines.filter((line) => line.context === 'RoutesResolver');
    expect(mapped.filter((line) => line.name === 'alpha-service').length).toBeGreaterThan(0);
    expect(mapped.filter((line) => line.name === 'beta-service').length).toBe(
      mapped.filter((line) => line.name === 'alpha-service').length,
    );
  });
});
