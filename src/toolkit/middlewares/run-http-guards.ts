import { CanActivate, Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { isObservable, lastValueFrom } from 'rxjs';
import { ToolkitError } from '../errors';

/**
 * Runs guards, in order, as Nest would for an HTTP route, over a stand-in request and reply:
 * WebSocket upgrades and frames bypass Fastify and Nest's router, so whoever serves them runs the
 * guards of the method (its middleware chain among them) here. A guard's own `ToolkitError`
 * propagates; a guard answering false is PERMISSION_DENIED.
 * @internal
 */
export async function runHttpGuards(
  guards: readonly CanActivate[],
  target: {
    request: unknown;
    reply: unknown;
    controller: Type<unknown>;
    handler: (...args: never[]) => unknown;
  },
): Promise<void> {
  const context = new ExecutionContextHost(
    [target.request, target.reply],
    target.controller,
    target.handler,
  );
  context.setType('http');
  for (const guard of guards) {
    const verdict = guard.canActivate(context);
    const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
    if (!allowed) throw ToolkitError.permissionDenied();
  }
}
