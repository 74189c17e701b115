import { CanActivate, Req } from '@nestjs/common';
import { Caller } from '../auth/caller.decorator';
import { attachCallerIdentity, getRequestIdentity } from '../auth/caller-identity';
import { StartupError } from '../config/startup-error';
import { GrpcStatus, ToolkitError } from '../errors';
import { DescriptorRegistry, MethodDescriptor, ServiceDescriptor } from '../descriptor';
import { RequestMessage } from '../transport/request-message.decorator';
import { CallOrigin, ServedCall } from './call-context';
import { Call, compileArguments } from './handler-arguments';
import { executePlan, MethodPlan } from './method-plan';

const method: MethodDescriptor = {
  name: 'Get',
  localName: 'get',
  grpcPath: '/planspec.Svc/Get',
  requestType: 'planspec.Unregistered',
  responseType: 'planspec.Unregistered',
  clientStreaming: false,
  serverStreaming: false,
  websocket: false,
  middlewares: [],
  excludeGlobalMiddlewares: [],
};

function origin(carrier: object = {}): CallOrigin & { cancels: (() => void)[] } {
  const cancels: (() => void)[] = [];
  return {
    cancels,
    identityCarrier: carrier,
    readHeaders: () => ({ 'x-tenant': 'acme' }),
    watchCancel: (cancel) => void cancels.push(cancel),
    identityOf: (object) => getRequestIdentity(object),
    childLogger: () => {
      throw new Error('not used');
    },
  };
}

const served = (deadlineInMs = 1000, from = origin()) =>
  new ServedCall('req-1', 'http', 'Get', Date.now() + deadlineInMs, from);

class Controller {
  seen: unknown[] = [];
  get(message: unknown, call: unknown, caller: unknown) {
    this.seen = [message, call, caller];
    return { ok: true };
  }
}

function plan(guards: CanActivate[], callerToken: MethodPlan['callerToken'] = () => undefined) {
  const instance = new Controller();
  RequestMessage()(Controller.prototype, 'get', 0);
  Call()(Controller.prototype, 'get', 1);
  Caller()(Controller.prototype, 'get', 2);
  const build = compileArguments(Controller, 'get');
  const result: MethodPlan = {
    service: { fullName: 'planspec.Svc' } as ServiceDescriptor,
    method,
    types: new DescriptorRegistry([]),
    bindings: [],
    controller: Controller,
    handler: instance.get as (...args: unknown[]) => unknown,
    callerToken,
    guards,
    check: (message) => {
      if ((message as { bad?: boolean }).bad) throw ToolkitError.invalidArgument('bad message');
    },
    invoke: (inputs) => instance.get(...(build(inputs) as [unknown, unknown, unknown])),
    streamText: () => (message) => JSON.stringify(message),
  };
  return { plan: result, instance };
}

const run = (target: MethodPlan, message: unknown, call = served()) =>
  executePlan(target, {
    call,
    type: 'http',
    args: [call.origin.identityCarrier, {}, call],
    readMessage: () => message,
  });

describe('handler arguments', () => {
  it('refuses a parameter decorator the toolkit does not supply, naming controller, method and index', () => {
    class Odd {
      handle(_message: unknown, _other: unknown) {
        return undefined;
      }
    }
    RequestMessage()(Odd.prototype, 'handle', 0);
    Req()(Odd.prototype, 'handle', 1);
    expect(() => compileArguments(Odd, 'handle')).toThrow(StartupError);
    expect(() => compileArguments(Odd, 'handle')).toThrow(/Odd\.handle: parameter 1/);
  });

  it('supplies the message, the call context and the verified caller', () => {
    const carrier = {};
    attachCallerIdentity(carrier, { subject: 'alice', roles: [] });
    const { plan: target, instance } = plan([]);
    const call = served(1000, origin(carrier));
    expect(run(target, { id: 1 }, call)).toEqual({ ok: true });
    expect(instance.seen).toEqual([{ id: 1 }, call, { subject: 'alice', roles: [] }]);
  });
});

describe('executePlan', () => {
  it('calls the handler without a promise when every guard answers synchronously', () => {
    const { plan: target } = plan([{ canActivate: () => true }, { canActivate: () => true }]);
    expect(run(target, {})).toEqual({ ok: true });
  });

  it('runs sync and async guards in chain order, the caller token first', async () => {
    const order: string[] = [];
    const { plan: target } = plan(
      [
        { canActivate: () => (order.push('sync'), true) },
        {
          canActivate: async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            order.push('async');
            return true;
          },
        },
        { canActivate: () => (order.push('last'), true) },
      ],
      () => {
        order.push('token');
        return Promise.resolve();
      },
    );
    await expect(run(target, {})).resolves.toEqual({ ok: true });
    expect(order).toEqual(['token', 'sync', 'async', 'last']);
  });

  it('stops at a guard answering false with PERMISSION_DENIED, before the message is read', async () => {
    const readMessage = jest.fn(() => ({}));
    const { plan: target } = plan([{ canActivate: () => Promise.resolve(false) }]);
    const call = served();
    const outcome = executePlan(target, { call, type: 'http', args: [], readMessage });
    await expect(outcome).rejects.toMatchObject({ code: GrpcStatus.PERMISSION_DENIED });
    expect(readMessage).not.toHaveBeenCalled();
  });

  it('checks the message after the guards and before the handler', () => {
    const { plan: target, instance } = plan([]);
    expect(() => run(target, { bad: true })).toThrow('bad message');
    expect(instance.seen).toEqual([]);
  });
});

describe('ServedCall', () => {
  it('builds the signal only when read, and watches the client only then', () => {
    const from = origin();
    const call = served(1000, from);
    expect(from.cancels).toHaveLength(0);
    const { signal } = call;
    expect(from.cancels).toHaveLength(1);
    from.cancels[0]();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ code: GrpcStatus.CANCELLED });
  });

  it('keeps the first abort reason, also for a signal built after it', () => {
    const call = served();
    call.abort(ToolkitError.deadlineExceeded('first'));
    call.abort(ToolkitError.cancelled('second'));
    expect(call.signal.aborted).toBe(true);
    expect((call.signal.reason as Error).message).toBe('first');
  });

  it('answers at the deadline with one timer, then aborts the signal with that error', async () => {
    const call = served(20);
    const { signal } = call;
    const expired = jest.fn();
    const timers = jest.spyOn(global, 'setTimeout');
    call.startDeadline(expired, () => ToolkitError.deadlineExceeded('timed out'));
    expect(timers).toHaveBeenCalledTimes(1);
    timers.mockRestore();
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect(expired).toHaveBeenCalledWith(expect.objectContaining({ message: 'timed out' }));
    expect(signal.reason).toMatchObject({ code: GrpcStatus.DEADLINE_EXCEEDED });
  });

  it('clears the timer when the call finishes in time', async () => {
    const call = served(10);
    const expired = jest.fn();
    call.startDeadline(expired, () => new Error('late'));
    call.finish();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(expired).not.toHaveBeenCalled();
    expect(call.isAborted).toBe(false);
  });

  it('reads headers once, on first use', () => {
    const from = origin();
    const read = jest.spyOn(from, 'readHeaders');
    const call = served(1000, from);
    expect(call.headers['x-tenant']).toBe('acme');
    expect(call.headers['x-tenant']).toBe('acme');
    expect(read).toHaveBeenCalledTimes(1);
  });
});
