import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { assertCallerBinding } from '../auth/caller-binding';
import { getCallerIdentity } from '../auth/caller-identity';
import { REQUEST_MESSAGE } from '../constants';
import { getMessageDescriptor, MethodDescriptor } from '../descriptor';
import { ToolkitError } from '../errors';
import { isUndecodableRequest, undecodableReason } from '../runtime/undecodable-request';
import { httpRouteMatch } from './http-routing';
import { nulViolations } from '../validation/nul-characters';
import { routeOfHandler } from './route-metadata';
import { decodePathVariables, transcodeHttpRequest } from './transcode';

type RequestWithMessage = FastifyRequest & { [REQUEST_MESSAGE]?: Record<string, unknown> };

/**
 * Last guard of every `ToolkitRpc` route: transcodes the HTTP request into the request message
 * (kept for `@RequestMessage()`), then runs the toolkit-wide NUL rule and the message's generated
 * validator on both transports (violations become INVALID_ARGUMENT with google.rpc.BadRequest
 * field violations), then the route's caller binding (`(toolkit.route).caller`): after the
 * middlewares, so the caller is verified, and before the handler or proxy call.
 * @internal
 */
@Injectable()
export class RequestValidationGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const route = routeOfHandler(context.getHandler());
    if (!route) return true;
    let message: unknown;
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<RequestWithMessage>();
      message = transcodeRequest(route.method, request);
      request[REQUEST_MESSAGE] = message as Record<string, unknown>;
    } else if (context.getType() === 'rpc') {
      message = context.switchToRpc().getData();
      if (isUndecodableRequest(message)) {
        throw ToolkitError.invalidArgument(
          `request is not a valid ${route.method.requestType}: ${undecodableReason(message)}`,
        );
      }
    } else {
      return true;
    }
    if (typeof message !== 'object' || message === null || route.method.clientStreaming)
      return true;
    const record = message as Record<string, unknown>;
    const { validate } = getMessageDescriptor(route.method.requestType);
    const violations = [
      ...nulViolations(route.method.requestType, record),
      ...(validate ? validate(record) : []),
    ];
    if (violations.length > 0) {
      const summary = violations.map((violation) => `${violation.field}: ${violation.description}`);
      throw ToolkitError.invalidArgument(
        `invalid ${route.method.requestType}: ${summary.join('; ')}`,
        {
          violations,
        },
      );
    }
    const binding = route.method.callerBinding;
    if (binding) assertCallerBinding(binding, record, getCallerIdentity(context));
    return true;
  }
}

/**
 * A routed HTTP request carries the binding the toolkit's router matched; a WebSocket upgrade
 * request (matched by the realtime plugin) carries its path parameters, decoded, by field path.
 */
function transcodeRequest(
  method: MethodDescriptor,
  request: RequestWithMessage,
): Record<string, unknown> {
  const match = request.raw ? httpRouteMatch(request) : undefined;
  if (match) {
    const pathParams = decodePathVariables(match.raw);
    return transcodeHttpRequest(method, match.binding.rule, pathParams, request);
  }
  const rule = method.http;
  if (!rule) throw new Error(`${method.grpcPath} has no HTTP binding`);
  const params = (request.params ?? {}) as Record<string, unknown>;
  const pathParams: Record<string, string> = {};
  for (const field of rule.pathParams) {
    const value = params[field];
    if (typeof value === 'string') pathParams[field] = value;
  }
  return transcodeHttpRequest(method, rule, pathParams, request);
}

/** The transcoded message of an HTTP request, once `RequestValidationGuard` ran. @internal */
export function httpRequestMessage(request: object): Record<string, unknown> | undefined {
  return (request as RequestWithMessage)[REQUEST_MESSAGE];
}
