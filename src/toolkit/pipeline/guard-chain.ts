import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { isObservable, lastValueFrom, Observable } from 'rxjs';
import { ToolkitError } from '../errors/toolkit-error';

type Verdict = boolean | Promise<boolean> | Observable<boolean>;

/**
 * Runs `guards` in order. A guard answering a boolean is taken as it is (no promise for a sync
 * guard), a promise is awaited, an Observable's last value counts. Returns undefined when every
 * guard passed synchronously, else the promise of the rest of the chain.
 * @throws ToolkitError PERMISSION_DENIED when a guard answers false; a guard's own error as it is.
 * @internal
 */
export function runGuardChain(
  guards: readonly CanActivate[],
  context: ExecutionContext,
  from = 0,
): Promise<void> | undefined {
  for (let index = from; index < guards.length; index++) {
    const verdict = guards[index].canActivate(context) as Verdict;
    if (verdict === true) continue;
    if (verdict === false) throw denied();
    const pending = isObservable(verdict) ? lastValueFrom(verdict) : verdict;
    return pending.then((allowed) => {
      if (!allowed) throw denied();
      return runGuardChain(guards, context, index + 1);
    });
  }
  return undefined;
}

function denied(): ToolkitError {
  return ToolkitError.permissionDenied('Forbidden resource');
}
