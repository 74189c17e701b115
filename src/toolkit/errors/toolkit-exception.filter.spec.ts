import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import { lastValueFrom, Observable } from 'rxjs';
import { decodeStatusDetails, STATUS_DETAILS_KEY } from './status-details';
import { grpcErrorStatus, ToolkitExceptionFilter } from './toolkit-exception.filter';
import { ToolkitError } from './toolkit-error';

function httpHost() {
  const reply = {
    sent: false,
    headers: {} as Record<string, string>,
    statusCode: 200,
    body: '',
    header(name: string, value: string) {
      this.headers[name] = value;
      return this;
    },
    hasHeader(name: string) {
      return name in this.headers;
    },
    code(status: number) {
      this.statusCode = status;
      return this;
    },
    type(value: string) {
      this.headers['content-type'] = value;
      return this;
    },
    send(body: string) {
      this.body = body;
      this.sent = true;
      return this;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  return { host, reply };
}

const rpcHost = { getType: () => 'rpc' } as unknown as ArgumentsHost;

describe('ToolkitExceptionFilter', () => {
  const logged: { level: string; message: unknown }[] = [];
  const logger = {
    log: (message: unknown) => logged.push({ level: 'log', message }),
    warn: (message: unknown) => logged.push({ level: 'warn', message }),
    error: (message: unknown) => logged.push({ level: 'error', message }),
  };
  const filter = new ToolkitExceptionFilter(undefined, logger);

  it('renders violations as the HTTP error body with BadRequest details', () => {
    const { host, reply } = httpHost();
    filter.catch(
      ToolkitError.invalidArgument('bad', {
        violations: [{ field: 'name', description: 'too short' }],
      }),
      host,
    );
    expect(reply.statusCode).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({
      code: 400,
      status: 'Bad Request',
      message: 'bad',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          field_violations: [{ field: 'name', description: 'too short' }],
        },
      ],
    });
  });

  it('sets WWW-Authenticate for UNAUTHENTICATED and maps Nest HTTP exceptions', () => {
    const unauthenticated = httpHost();
    filter.catch(ToolkitError.unauthenticated('no token'), unauthenticated.host);
    expect(unauthenticated.reply.statusCode).toBe(401);
    expect(unauthenticated.reply.headers['www-authenticate']).toBe('Bearer');

    const notFound = httpHost();
    filter.catch(new NotFoundException('Cannot GET /x'), notFound.host);
    expect(JSON.parse(notFound.reply.body)).toMatchObject({
      code: 404,
      status: 'Not Found',
      message: 'Cannot GET /x',
    });
  });

  it('hides unexpected errors behind a generic INTERNAL', async () => {
    const { host, reply } = httpHost();
    filter.catch(new Error('duplicate key value violates unique constraint "users_email"'), host);
    expect(reply.statusCode).toBe(500);
    expect(reply.body).not.toContain('users_email');
    // The details stay in the app's log, for whoever investigates.
    expect(logged).toContainEqual({
      level: 'error',
      message: expect.stringContaining('users_email'),
    });

    const rpc = filter.catch(new Error('SELECT * FROM secrets'), rpcHost) as Observable<never>;
    await expect(lastValueFrom(rpc)).rejects.toMatchObject({ code: 13, message: 'internal error' });
  });

  it('returns a gRPC status with google.rpc.Status details on rpc', async () => {
    const error = ToolkitError.invalidArgument('bad', {
      violations: [{ field: 'email', description: 'not an email' }],
    });
    const rpc = filter.catch(error, rpcHost) as Observable<never>;
    const status = await lastValueFrom(rpc).catch(
      (thrown: unknown) => thrown as ReturnType<typeof grpcErrorStatus>,
    );
    expect(status.code).toBe(3);
    const [details] = status.metadata.get(STATUS_DETAILS_KEY);
    expect(decodeStatusDetails(details as Buffer)).toEqual({
      code: 3,
      message: 'bad',
      violations: [{ field: 'email', description: 'not an email' }],
    });
  });
});
