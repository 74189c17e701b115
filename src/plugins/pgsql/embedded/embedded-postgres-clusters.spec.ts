import { EmbeddedPostgresCluster, EmbeddedPostgresTarget } from './embedded-postgres-cluster';
import { EmbeddedPostgresClusters } from './embedded-postgres-clusters';

const TARGET: EmbeddedPostgresTarget = {
  host: '127.0.0.1',
  port: 5999,
  user: 'postgres',
  password: 'secret',
};

/** A cluster that records what was asked of it, starting and stopping when told. */
function fakeCluster(log: string[], startError?: Error): EmbeddedPostgresCluster {
  return {
    directory: '/data/postgres',
    start: jest.fn(async () => {
      log.push('start');
      if (startError) throw startError;
      return TARGET;
    }),
    ensureDatabase: jest.fn(async (name: string) => {
      log.push(`database ${name}`);
    }),
    stop: jest.fn(async () => {
      log.push('stop');
    }),
  } as unknown as EmbeddedPostgresCluster;
}

describe('EmbeddedPostgresClusters', () => {
  it('starts one server for every lease of a directory and stops it with the last release', async () => {
    const log: string[] = [];
    const clusters = new EmbeddedPostgresClusters(() => fakeCluster(log));
    const [user, chat] = await Promise.all([
      clusters.lease('/data/postgres', 'user_service'),
      clusters.lease('/data/postgres', 'chat_service'),
    ]);
    expect(user).toMatchObject({ ...TARGET, database: 'user_service' });
    expect(chat).toMatchObject({ ...TARGET, database: 'chat_service' });
    expect(log).toEqual(['start', 'database user_service', 'database chat_service']);
    await user.release();
    await user.release();
    expect(log).not.toContain('stop');
    expect(clusters.size).toBe(1);
    await chat.release();
    expect(log).toContain('stop');
    expect(clusters.size).toBe(0);
  });

  it('gives separate directories separate servers', async () => {
    const log: string[] = [];
    const clusters = new EmbeddedPostgresClusters(() => fakeCluster(log));
    const a = await clusters.lease('/a', 'one');
    const b = await clusters.lease(undefined, 'one');
    expect(clusters.size).toBe(2);
    await Promise.all([a.release(), b.release()]);
    expect(log.filter((line) => line === 'stop')).toHaveLength(2);
  });

  it('starts a new server after the last release, once the old one has stopped', async () => {
    const log: string[] = [];
    let releaseStop: () => void = () => undefined;
    const clusters = new EmbeddedPostgresClusters(() => {
      const cluster = fakeCluster(log);
      (cluster.stop as jest.Mock).mockImplementation(
        () =>
          new Promise<void>((resolve) => {
            releaseStop = () => {
              log.push('stopped');
              resolve();
            };
          }),
      );
      return cluster;
    });
    const first = await clusters.lease('/data', 'db');
    const stopping = first.release();
    const second = clusters.lease('/data', 'db');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start', 'database db']);
    releaseStop();
    await stopping;
    await second;
    expect(log).toEqual(['start', 'database db', 'stopped', 'start', 'database db']);
  });

  it('passes a failed start to every waiting lease and keeps nothing', async () => {
    const log: string[] = [];
    const clusters = new EmbeddedPostgresClusters(() => fakeCluster(log, new Error('no bind')));
    await expect(
      Promise.all([clusters.lease('/d', 'a'), clusters.lease('/d', 'b')]),
    ).rejects.toThrow('no bind');
    await new Promise((resolve) => setImmediate(resolve));
    expect(clusters.size).toBe(0);
    expect(log).not.toContain('stop');
  });
});
