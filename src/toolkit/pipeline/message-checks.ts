import { assertCallerBinding } from '../auth/caller-binding';
import type { CallerIdentity } from '../auth/caller-identity';
import { DescriptorRegistry, MethodDescriptor } from '../descriptor';
import { ToolkitError } from '../errors/toolkit-error';
import { isUndecodableRequest, undecodableReason } from '../runtime/undecodable-request';
import { nulViolations } from '../validation/nul-characters';

/** Validates one request message and binds the caller; throws INVALID_ARGUMENT / PERMISSION_DENIED. @internal */
export type MessageCheck = (message: unknown, caller: CallerIdentity | undefined) => void;

/**
 * The checks of a method's request messages, compiled once: bytes that did not decode, the
 * toolkit-wide NUL rule and the message's generated validator (violations become
 * INVALID_ARGUMENT with google.rpc.BadRequest field violations), then the method's caller
 * binding (`(toolkit.route).caller`), after the middlewares so the caller is verified. The
 * request type is resolved in the app's registry here, so an unknown one fails the start-up.
 * @internal
 */
export function compileMessageCheck(
  types: DescriptorRegistry,
  method: MethodDescriptor,
): MessageCheck {
  const { requestType, callerBinding } = method;
  const { validate } = types.message(requestType);
  return (message, caller) => {
    if (isUndecodableRequest(message)) {
      throw ToolkitError.invalidArgument(
        `request is not a valid ${requestType}: ${undecodableReason(message)}`,
      );
    }
    if (typeof message !== 'object' || message === null) return;
    const record = message as Record<string, unknown>;
    const nul = nulViolations(types, requestType, record);
    const rules = validate ? validate(record) : [];
    if (nul.length > 0 || rules.length > 0) {
      const violations = [...nul, ...rules];
      const summary = violations.map((violation) => `${violation.field}: ${violation.description}`);
      throw ToolkitError.invalidArgument(`invalid ${requestType}: ${summary.join('; ')}`, {
        violations,
      });
    }
    if (callerBinding) assertCallerBinding(callerBinding, record, caller);
  };
}
