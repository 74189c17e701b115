import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { TEST_PG } from '../support/pg';
import { closedPort } from '../support/redis';
import { startUserApp, UserApp } from '../support/user-app';

/**
 * user-service against an independent gRPC implementation: grpc_interop_client.py runs on gRPC's
 * C core (Debian's python3-grpcio) with message classes compiled from the repository's protos by
 * Debian's protoc. The client reports what it saw as JSON; the expectations live here.
 */

const run = promisify(execFile);
const REPO = join(__dirname, '..', '..');
const CLIENT = join(__dirname, 'grpc_interop_client.py');
// Debian's interpreter, not whatever `python3` is first on PATH: python3-grpcio lives in its
// dist-packages.
const PYTHON = process.env.INTEROP_PYTHON ?? '/usr/bin/python3';
// The service's own limit, short so the server-side timeout check does not wait 30 s.
const REQUEST_TIMEOUT_MS = 1500;

/** One metadata entry as the client reports it; binary values as `{ base64 }`. */
type Pair = [string, unknown];

interface Outcome {
  code: string;
  details?: string;
  response?: Record<string, unknown>;
  initial_metadata: Pair[];
  trailing_metadata: Pair[];
  status_details?: {
    code: number;
    message: string;
    details: { type_url: string; field_violations?: { field: string; description: string }[] }[];
  } | null;
}

interface Report {
  implementation: Record<string, string>;
  checks: Record<string, { observed?: Record<string, unknown>; error?: string }>;
}

function missingPrerequisite(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import grpc, google.protobuf'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return `${PYTHON} cannot import grpc (apt-get install python3-grpcio python3-protobuf)`;
  const protoc = spawnSync('protoc', ['--version'], { encoding: 'utf8' });
  if (protoc.error || protoc.status !== 0)
    return 'protoc is missing (apt-get install protobuf-compiler)';
  return undefined;
}

async function runClient(target: string, checks: string[], userId = ''): Promise<Report> {
  const { stdout } = await run(
    PYTHON,
    [CLIENT, '--target', target, '--repo', REPO, '--checks', checks.join(','), '--user-id', userId],
    { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  return JSON.parse(stdout) as Report;
}

/** What one check observed; fails the test with the client's traceback when it crashed. */
function observed(
  report: Report,
  check: string,
): Record<string, Outcome> & Record<string, unknown> {
  const result = report.checks[check];
  if (!result) throw new Error(`the client did not run check ${check}`);
  if (result.error) throw new Error(`check ${check} crashed in the client:\n${result.error}`);
  return result.observed as Record<string, Outcome> & Record<string, unknown>;
}

function metadataValue(pairs: Pair[], key: string): unknown[] {
  return pairs.filter(([name]) => name === key).map(([, value]) => value);
}

/** A failure as the client decoded it: code, message and the BadRequest fields. */
function badRequestFields(outcome: Outcome): string[] {
  const details = outcome.status_details?.details ?? [];
  const badRequest = details.find(
    (detail) => detail.type_url === 'type.googleapis.com/google.rpc.BadRequest',
  );
  return (badRequest?.field_violations ?? []).map((violation) => violation.field).sort();
}

function expectInvalid(outcome: Outcome, fields: string[]): void {
  expect(outcome.code).toBe('INVALID_ARGUMENT');
  expect(outcome.status_details).toMatchObject({ code: 3, message: outcome.details });
  expect(badRequestFields(outcome)).toEqual([...fields].sort());
  for (const detail of outcome.status_details?.details ?? [])
    for (const violation of detail.field_violations ?? [])
      expect(violation.description).not.toBe('');
}

const UNAVAILABLE = missingPrerequisite();

if (UNAVAILABLE !== undefined) {
  if (process.env.CI === 'true') {
    it('has python3-grpcio and protoc under CI', () => {
      throw new Error(`${UNAVAILABLE}; .ci/run installs them`);
    });
  } else {
    console.warn(`${UNAVAILABLE}: skipping the gRPC interop suite`);
    it.skip(`gRPC interop with the C core (${UNAVAILABLE})`, () => undefined);
  }
} else {
  describe('user-service with a gRPC C-core client (python3-grpcio)', () => {
    let app: UserApp;
    let target: string;
    let report: Report;

    beforeAll(async () => {
      app = await startUserApp('grpc_interop', {
        USER_SERVICE_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_MS}ms`,
      });
      target = app.running.grpcTarget!;
      report = await runClient(target, [
        'crud',
        'invalid_argument',
        'not_found',
        'already_exists',
        'unimplemented',
        'malformed',
        'metadata',
        'deadline_expired',
        'health',
        'reflection',
      ]);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    it('runs on the C core', () => {
      expect(report.implementation.grpcio).toMatch(/^\d+\.\d+/);
    });

    it('creates, gets, updates, lists and deletes a user', () => {
      const crud = observed(report, 'crud');
      const { email, name } = crud as unknown as { email: string; name: string };
      expect(crud.create).toMatchObject({ code: 'OK', response: { status: 'created' } });
      const userId = crud.create.response!.user_id as string;
      expect(userId).toMatch(/^[0-9a-f-]{36}$/);
      expect(crud.get).toMatchObject({
        code: 'OK',
        response: { user: { user_id: userId, name, email } },
      });
      const user = crud.get.response!.user as Record<string, string>;
      // Timestamps decoded by the C core's peer library: RFC 3339 in protobuf JSON.
      expect(user.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(crud.get_upper_case_id).toMatchObject({
        code: 'OK',
        response: { user: { user_id: userId } },
      });
      expect(crud.update).toMatchObject({
        code: 'OK',
        response: { user: { user_id: userId, name: `${name} Renamed`, email } },
      });
      expect(crud.list).toMatchObject({ code: 'OK', response: { total: 1 } });
      expect(crud.list.response!.users).toEqual([
        expect.objectContaining({ user_id: userId, name: `${name} Renamed` }),
      ]);
      expect(crud.delete).toMatchObject({ code: 'OK', response: { status: expect.any(String) } });
      expect(crud.get_after_delete.code).toBe('NOT_FOUND');
    });

    it('answers validation failures with INVALID_ARGUMENT and google.rpc.BadRequest details', () => {
      const invalid = observed(report, 'invalid_argument');
      expectInvalid(invalid.create_empty_name_bad_email, ['email', 'name']);
      expectInvalid(invalid.create_long_name, ['name']);
      expectInvalid(invalid.get_not_uuid, ['user_id']);
      expectInvalid(invalid.update_bad_email, ['email']);
      expectInvalid(invalid.delete_empty_id, ['user_id']);
      expectInvalid(invalid.list_limit_zero, ['limit']);
      expectInvalid(invalid.list_limit_and_offset, ['limit', 'offset']);
    });

    it('answers unknown users with NOT_FOUND and no status details', () => {
      const notFound = observed(report, 'not_found');
      const missing = notFound.missing_id as unknown as string;
      for (const call of ['get', 'update', 'delete']) {
        expect(notFound[call]).toMatchObject({
          code: 'NOT_FOUND',
          details: `user ${missing} not found`,
        });
        expect(notFound[call].status_details).toBeNull();
      }
    });

    it('answers a taken email with ALREADY_EXISTS, on create and on update', () => {
      const duplicate = observed(report, 'already_exists');
      const email = duplicate.email as unknown as string;
      expect(duplicate.first.code).toBe('OK');
      for (const call of ['second', 'update_to_taken_email']) {
        expect(duplicate[call]).toMatchObject({
          code: 'ALREADY_EXISTS',
          details: `user with email ${email} already exists`,
        });
      }
      const unicodeEmail = duplicate.unicode_email as unknown as string;
      expect(duplicate.unicode_second).toMatchObject({
        code: 'ALREADY_EXISTS',
        details: `user with email ${unicodeEmail} already exists`,
      });
    });

    it('answers unknown methods and services with UNIMPLEMENTED', () => {
      const unimplemented = observed(report, 'unimplemented');
      expect(unimplemented.unknown_method.code).toBe('UNIMPLEMENTED');
      expect(unimplemented.unknown_service.code).toBe('UNIMPLEMENTED');
    });

    it('rejects an undecodable and an oversized request without going down', () => {
      const malformed = observed(report, 'malformed');
      // Malformed input is the caller's fault here (grpc-js alone would say INTERNAL).
      expect(malformed.invalid_wire_type).toMatchObject({
        code: 'INVALID_ARGUMENT',
        details: expect.stringContaining('request is not a valid userservice.GetUserRequest'),
      });
      expect(malformed.oversized.code).toBe('RESOURCE_EXHAUSTED');
      expect(malformed.health_after).toMatchObject({
        code: 'OK',
        response: { status: 'SERVING' },
      });
    });

    // Known gap, recorded so it cannot be forgotten: protobufjs 7.x's Buffer reader clamps a
    // string field that runs past the end of the message instead of failing (fixed upstream in
    // protobuf.js#2205), so the service decodes `user_id: "ab"` and only validation objects.
    // A C-core, Go or Java server rejects the bytes as unparseable. When this test starts to
    // fail, the decoder rejects truncated strings: make it a plain `it`.
    it.failing('rejects a request whose last string field is truncated as undecodable', () => {
      expect(observed(report, 'malformed').truncated).toMatchObject({
        code: 'INVALID_ARGUMENT',
        details: expect.stringContaining('request is not a valid userservice.GetUserRequest'),
      });
    });

    it('echoes x-request-id in the response metadata, on success and on failure', () => {
      const metadata = observed(report, 'metadata');
      const sent = metadata.request_id as unknown as string;
      expect(metadata.success.code).toBe('OK');
      expect(metadataValue(metadata.success.initial_metadata, 'x-request-id')).toEqual([sent]);

      const errorSent = metadata.error_request_id as unknown as string;
      expect(metadata.error.code).toBe('INVALID_ARGUMENT');
      // A failure is trailers-only: the echo rides with the status.
      const echoed = [
        ...metadataValue(metadata.error.initial_metadata, 'x-request-id'),
        ...metadataValue(metadata.error.trailing_metadata, 'x-request-id'),
      ];
      expect(echoed).toEqual([errorSent]);

      for (const call of ['replaced', 'absent']) {
        const [generated] = metadataValue(metadata[call].initial_metadata, 'x-request-id');
        expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
    });

    it('fails a call whose deadline has already passed with DEADLINE_EXCEEDED', () => {
      expect(observed(report, 'deadline_expired').expired.code).toBe('DEADLINE_EXCEEDED');
    });

    it('answers DEADLINE_EXCEEDED when the work outlives the client deadline or REQUEST_TIMEOUT', async () => {
      const created = await app.grpc.call('CreateUser', {
        name: 'Locked',
        email: `interop-locked-${Date.now()}@example.com`,
      });
      if (!created.ok) throw new Error(`CreateUser failed: ${created.message}`);
      const userId = created.response.user_id as string;
      // Holding the row lock, the service's UPDATE waits for this transaction whatever the
      // machine's speed: the deadlines, not the work, end both calls.
      const lock = new Client({ ...TEST_PG, database: app.database.name });
      await lock.connect();
      let blocked: Report;
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
        blocked = await runClient(target, ['deadline_blocked'], userId);
      } finally {
        await lock.query('ROLLBACK').catch(() => undefined);
        await lock.end();
      }
      const deadline = observed(blocked, 'deadline_blocked');
      expect(deadline.client_deadline.code).toBe('DEADLINE_EXCEEDED');
      // No client deadline, so the service sent this status itself: the request timer
      // ("request timed out after 1500ms") and the service's bound on its PostgreSQL call
      // ("deadline exceeded") expire together, and either may answer first.
      expect(deadline.server_timeout.code).toBe('DEADLINE_EXCEEDED');
      expect(deadline.server_timeout.details).toMatch(
        new RegExp(`^(request timed out after ${REQUEST_TIMEOUT_MS}ms|deadline exceeded)$`),
      );
    });

    it('answers grpc.health.v1 Check and Watch for the server and the service', () => {
      const health = observed(report, 'health');
      expect(health.server).toMatchObject({ code: 'OK', response: { status: 'SERVING' } });
      expect(health.service).toMatchObject({ code: 'OK', response: { status: 'SERVING' } });
      expect(health.unknown.code).toBe('NOT_FOUND');
      expect(health.watch_server).toMatchObject({ code: 'OK', response: { status: 'SERVING' } });
      expect(health.watch_unknown).toMatchObject({
        code: 'OK',
        response: { status: 'SERVICE_UNKNOWN' },
      });
    });

    it.each(['grpc.reflection.v1alpha', 'grpc.reflection.v1'])(
      'lists services and serves the user-service file through %s',
      (version) => {
        const reflection = observed(report, 'reflection')[version] as unknown as {
          answers?: Record<string, unknown>[];
          code?: string;
        };
        expect(reflection.code).toBeUndefined();
        const [list, file, unknown] = reflection.answers!;
        expect(list).toEqual({
          kind: 'list_services_response',
          services: expect.arrayContaining(['userservice.UserService', 'grpc.health.v1.Health']),
        });
        expect(file).toMatchObject({ kind: 'file_descriptor_response' });
        expect(file.files).toEqual(
          expect.arrayContaining([
            {
              name: 'userservice/user-service.proto',
              package: 'userservice',
              services: {
                UserService: ['CreateUser', 'GetUser', 'UpdateUser', 'DeleteUser', 'ListUsers'],
              },
            },
          ]),
        );
        // NOT_FOUND, as grpc.reflection's ErrorResponse carries it.
        expect(unknown).toEqual({ kind: 'error_response', error_code: 5 });
      },
    );

    it('answers an unexpected failure with INTERNAL and a generic message', async () => {
      // The table gone from under the service: not a validation or dependency outage.
      await app.database.query('ALTER TABLE users RENAME TO users_elsewhere');
      let broken: Report;
      try {
        broken = await runClient(target, ['internal']);
      } finally {
        await app.database.query('ALTER TABLE users_elsewhere RENAME TO users');
      }
      expect(observed(broken, 'internal').list).toMatchObject({
        code: 'INTERNAL',
        details: 'internal error',
      });
    });
  });

  describe('user-service with Redis unreachable, from the C core', () => {
    let app: UserApp;
    let report: Report;

    beforeAll(async () => {
      app = await startUserApp('grpc_interop_degraded', {
        USER_SERVICE_CACHE_PORT: String(await closedPort()),
        USER_SERVICE_CACHE_CONNECT_TIMEOUT: '200ms',
      });
      report = await runClient(app.running.grpcTarget!, ['health', 'crud']);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    // The cache is optional: without it the service is degraded, not down, so Kubernetes keeps
    // routing to it and grpc.health.v1 must say so too.
    it('stays SERVING through grpc.health.v1 Check (the cache is optional)', () => {
      const health = observed(report, 'health');
      expect(health.server).toMatchObject({ code: 'OK', response: { status: 'SERVING' } });
      expect(health.service).toMatchObject({ code: 'OK', response: { status: 'SERVING' } });
    });

    it('still serves users from PostgreSQL', () => {
      const crud = observed(report, 'crud');
      expect(crud.create.code).toBe('OK');
      expect(crud.get.code).toBe('OK');
      expect(crud.delete.code).toBe('OK');
      expect(crud.get_after_delete.code).toBe('NOT_FOUND');
    });
  });
}
