import type { CanActivate, Type } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type {
  DescriptorRegistry,
  HttpRule,
  MethodDescriptor,
  ServiceDescriptor,
} from '../descriptor';
import type { HttpBinding } from '../transport/http-router';
import { ServedCall } from './call-context';
import { runGuardChain } from './guard-chain';
import { HandlerInputs } from './handler-arguments';
import { MessageCheck } from './message-checks';

/** Verifies the call's internal caller token; undefined when done synchronously. @internal */
export type CallerTokenCheck = (carrier: object) => Promise<void> | undefined;

/**
 * Everything decided once, at start-up, about serving one rpc: its guards (the caller token
 * check, then the method's middleware chain, instances resolved from DI), its request checks,
 * how its handler is called. Transports (HTTP, gRPC, WebSocket upgrades) only decode the
 * request, run `execute` and encode what it returns.
 * @internal
 */
export interface MethodPlan {
  readonly service: ServiceDescriptor;
  readonly method: MethodDescriptor;
  /** The app's message and enum types, which the method's messages are transcoded with. */
  readonly types: DescriptorRegistry;
  /** The method's HTTP bindings; empty without an HTTP route (gRPC only, WebSocket). */
  readonly bindings: readonly HttpBinding[];
  readonly controller: Type<unknown>;
  /** The controller method, as guards see it through `context.getHandler()`. */
  readonly handler: (...args: unknown[]) => unknown;
  readonly callerToken: CallerTokenCheck;
  /** The method's middleware guards, in chain order. */
  readonly guards: readonly CanActivate[];
  readonly check: MessageCheck;
  /**
   * The JSON text of one message of a server stream written under `rule` (an SSE event, an
   * NDJSON line, a WebSocket frame): a deeply frozen message fanned out to many subscribers is
   * encoded once per rule.
   */
  readonly streamText: (rule: HttpRule | undefined) => (message: unknown) => string;
  /** Calls the controller method with the arguments its parameters declare. */
  readonly invoke: (inputs: HandlerInputs) => unknown;
}

/** How the transport hands one call to `executePlan`. @internal */
export interface PlanCall {
  readonly call: ServedCall;
  /** `http`: [request, reply, call]; `rpc`: [message, metadata, grpc call, call]. */
  readonly type: 'http' | 'rpc';
  readonly args: unknown[];
  /** The request message; runs after the guards (HTTP transcoding may throw INVALID_ARGUMENT). */
  readMessage(): unknown;
  readonly upgrade?: unknown;
}

/**
 * Runs a plan for one call: caller token, middleware guards, request message, checks, handler.
 * Returns the handler's result, or a promise of it when a step was asynchronous; nothing is
 * awaited that answered synchronously.
 * @internal
 */
export function executePlan(plan: MethodPlan, planned: PlanCall): unknown {
  const admitted = admitCall(plan, planned);
  if (admitted !== undefined) return admitted.then(() => invokeHandler(plan, planned));
  return invokeHandler(plan, planned);
}

/**
 * The caller token and the middleware guards of one call, without the handler: what a
 * WebSocket stream runs before its handshake. Undefined when done synchronously.
 * @internal
 */
export function admitCall(plan: MethodPlan, planned: PlanCall): Promise<void> | undefined {
  const token = plan.callerToken(planned.call.origin.identityCarrier);
  if (token !== undefined) return token.then(() => runGuards(plan, planned));
  return runGuards(plan, planned);
}

function runGuards(plan: MethodPlan, planned: PlanCall): Promise<void> | undefined {
  if (plan.guards.length === 0) return undefined;
  const context = new ExecutionContextHost(planned.args, plan.controller, plan.handler);
  context.setType(planned.type);
  return runGuardChain(plan.guards, context);
}

/** The request message, its checks (unless a client stream's) and the handler. @internal */
export function invokeHandler(plan: MethodPlan, planned: PlanCall): unknown {
  const message = planned.readMessage();
  const { call } = planned;
  // A client stream's messages are checked one by one as the handler pulls them.
  if (!plan.method.clientStreaming) plan.check(message, call.caller);
  return plan.invoke({ message, call, upgrade: planned.upgrade });
}
