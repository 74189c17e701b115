import { createParamDecorator, ExecutionContext, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { StartupError } from '../config/startup-error';
import { CallContext, callContextOf } from './call-context';

/** What a handler parameter the toolkit knows receives. @internal */
export type HandlerArgumentKind = 'message' | 'caller' | 'call' | 'upgrade';

const ARGUMENT_KIND = Symbol('toolkit:handler-argument');

type Factory = ((data: unknown, context: ExecutionContext) => unknown) & {
  [ARGUMENT_KIND]?: HandlerArgumentKind;
};

/**
 * A Nest param decorator whose value the method plan supplies. The plan recognizes it by the
 * kind marked on its factory; the factory itself only serves code that runs the handler through
 * Nest with a toolkit-built execution context.
 * @internal
 */
export function toolkitParamDecorator(
  kind: HandlerArgumentKind,
  factory: (data: unknown, context: ExecutionContext) => unknown,
): () => ParameterDecorator {
  const marked: Factory = Object.assign(factory, { [ARGUMENT_KIND]: kind });
  return createParamDecorator(marked) as () => ParameterDecorator;
}

/**
 * Handler parameter: the `CallContext` of the call (request id, deadline, abort signal, caller,
 * logger), on every transport.
 * @publicApi
 */
export const Call = toolkitParamDecorator('call', (_data, context): CallContext | undefined =>
  callContextOf(context),
);

/** What one call supplies to the handler's arguments. @internal */
export interface HandlerInputs {
  message: unknown;
  call: CallContext;
  upgrade?: unknown;
}

/** Builds a handler's argument list from one call's inputs. @internal */
export type ArgumentBuilder = (inputs: HandlerInputs) => unknown[];

/**
 * The argument builder of a handler, from Nest's param-decorator metadata, compiled once.
 * @throws StartupError naming the controller, method and parameter for a decorator the toolkit
 * does not supply (`@Req()`, `@Body()`, a custom one): the plan calls handlers itself.
 * @internal
 */
export function compileArguments(controller: Type<unknown>, methodName: string): ArgumentBuilder {
  const metadata = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, methodName) ??
    {}) as Record<string, { index: number; factory?: Factory }>;
  const kinds: HandlerArgumentKind[] = [];
  for (const [key, parameter] of Object.entries(metadata)) {
    const kind = parameter.factory?.[ARGUMENT_KIND];
    if (kind === undefined) {
      const decorator = parameter.factory
        ? 'a custom param decorator'
        : `Nest's ${key.split(':')[0]}`;
      throw new StartupError(
        `${controller.name}.${methodName}: parameter ${parameter.index} uses ${decorator}, ` +
          'which the toolkit does not supply; use @RequestMessage(), @Caller(), @Call() or @SocketUpgrade()',
      );
    }
    kinds[parameter.index] = kind;
  }
  const readers = Array.from(kinds, (kind) => READERS[kind ?? 'none']);
  if (readers.length === 1 && kinds[0] === 'message') return (inputs) => [inputs.message];
  return (inputs) => readers.map((read) => read(inputs));
}

const READERS: Record<HandlerArgumentKind | 'none', (inputs: HandlerInputs) => unknown> = {
  message: (inputs) => inputs.message,
  caller: (inputs) => inputs.call.caller,
  call: (inputs) => inputs.call,
  upgrade: (inputs) => inputs.upgrade,
  none: () => undefined,
};
