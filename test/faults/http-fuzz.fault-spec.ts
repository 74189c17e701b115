import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { UserApp, startUserApp } from '../support/user-app';

jest.setTimeout(300_000);

/**
 * 10,000 hostile HTTP requests on raw sockets (so nothing is normalized on the way): bad
 * percent escapes, huge values and bodies, HEAD, URLs and headers beyond Node's limits, too long
 * path parameters, broken JSON, unknown methods. Never a 5xx; every error answer has the toolkit
 * body `{code,status,message,details}`, Fastify's and Node's own (400, 404, 413, 414, 431)
 * included; a HEAD answer has no body. NUL characters are among the values: PostgreSQL rejects
 * 0x00, so the toolkit-wide NUL rule must answer 400 before any query.
 */

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(port: number, raw: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      // The server may close after answering while we still write a too large request.
      if (chunks.length > 0) return;
      reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0)
        return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = text.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    // No half-close: Node's HTTP server aborts a request whose client ended its side early. The
    // server closes once it answered (`connection: close`), or after a refusal.
    socket.write(raw);
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer within 30 s')));
  });
}

function unchunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!size) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 4 + size);
  }
}

/** A deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const BAD_ESCAPES = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%ff%fe', '%u0041', '%%', '%2', '%G1'];

interface FuzzCase {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

function cases(count: number): FuzzCase[] {
  const next = random(14);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const escape = () => pick(BAD_ESCAPES);
  const huge = (size: number) => 'x'.repeat(size);
  const values = [
    '',
    'a',
    huge(300),
    huge(20_000),
    '😀'.repeat(500),
    '-1',
    '1e309',
    '99999999999999999999',
    'a\u0000b',
    '\u0000',
  ];
  const makers: (() => FuzzCase)[] = [
    () => ({ method: 'GET', path: `/users/${escape()}${randomUUID()}` }),
    () => ({ method: 'GET', path: `/users/${randomUUID()}${escape()}` }),
    () => ({ method: 'HEAD', path: `/users/${escape()}` }),
    () => ({ method: 'HEAD', path: `/users/${randomUUID()}` }),
    () => ({ method: 'HEAD', path: `/users?limit=${escape()}` }),
    () => ({ method: 'HEAD', path: `/users/${huge(20_000)}` }),
    () => ({ method: 'GET', path: `/users?limit=${pick(values)}&offset=${pick(values)}` }),
    () => ({ method: 'GET', path: `/users?limit=10&search=${encodeURIComponent(pick(values))}` }),
    () => ({ method: 'GET', path: `/users?search=${escape()}` }),
    () => ({ method: 'GET', path: `/users/${huge(150)}` }),
    () => ({ method: 'GET', path: `/users/${huge(20_000)}` }),
    () => ({ method: 'GET', path: '/users', headers: { 'x-long': huge(20_000) } }),
    () => ({ method: 'GET', path: `/${escape()}/${escape()}` }),
    () => ({ method: 'PATCH', path: '/users' }),
    () => ({ method: 'DELETE', path: `/users/${escape()}` }),
    () => ({
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: pick(values), email: `${pick(values)}@example.com` }),
    }),
    () => ({
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      body: pick(['{', '{"name":', '[]', 'null', '"x"', '{"name":{"a":1}}', '{"email":[1]}']),
    }),
    () => ({
      method: 'POST',
      path: '/users',
      headers: { 'content-type': 'application/json' },
      // Beyond the 1 MiB body limit: 413.
      body: JSON.stringify({ name: huge(1_100_000), email: 'big@example.com' }),
    }),
    () => ({
      method: 'PUT',
      path: `/users/${randomUUID()}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: pick(values), email: pick(values) }),
    }),
    () => ({
      method: 'POST',
      path: '/users',
      headers: {
        'content-type': pick([
          'text/plain',
          'application/xml',
          'application/json; charset=latin-9',
        ]),
      },
      body: 'name=x',
    }),
  ];
  return Array.from({ length: count }, () => pick(makers)());
}

function rawRequest(fuzz: FuzzCase): string {
  const body = fuzz.body ?? '';
  const headers = {
    host: '127.0.0.1',
    connection: 'close',
    ...(fuzz.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
    ...fuzz.headers,
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  return `${fuzz.method} ${fuzz.path} HTTP/1.1\r\n${head}\r\n\r\n${body}`;
}

describe('user-service under 10,000 hostile HTTP requests', () => {
  let app: UserApp;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    app = await startUserApp('fault_http_fuzz');
  });

  afterAll(async () => {
    console.log(`http-fuzz figures: ${JSON.stringify(figures)}`);
    await app?.close();
  });

  it('never answers 5xx, always with the toolkit error body, never a body on HEAD', async () => {
    const port = Number(new URL(app.running.httpUrl).port);
    const all = cases(10_000);
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let index = 0;
    const worker = async () => {
      while (index < all.length) {
        const fuzz = all[index++];
        const where = `${fuzz.method} ${fuzz.path.slice(0, 80)}`;
        let answer: RawAnswer;
        try {
          answer = await send(port, rawRequest(fuzz));
        } catch (error) {
          problems.push(`${where}: ${String(error)}`);
          continue;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500)
          problems.push(`${where}: ${answer.status} ${answer.body.slice(0, 200)}`);
        if (fuzz.method === 'HEAD') {
          if (answer.body.length > 0) problems.push(`${where}: HEAD answer with a body`);
          continue;
        }
        if (answer.status >= 400) {
          let body: unknown;
          try {
            body = JSON.parse(answer.body);
          } catch {
            problems.push(
              `${where}: ${answer.status} body is not JSON: ${answer.body.slice(0, 120)}`,
            );
            continue;
          }
          const keys = Object.keys(body as object)
            .sort()
            .join(',');
          if (
            keys !== 'code,details,message,status' ||
            (body as { code: number }).code !== answer.status
          ) {
            problems.push(
              `${where}: ${answer.status} not the toolkit body: ${answer.body.slice(0, 160)}`,
            );
          }
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: 16 }, worker));
    figures.requests = all.length;
    figures.ms = Date.now() - started;
    figures.statuses = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
    figures.problems = problems.length;
    expect(problems.slice(0, 20)).toEqual([]);
    // Still healthy afterwards.
    expect((await fetch(`${app.running.httpUrl}/_healthz/readiness`)).status).toBe(200);
  });
});
