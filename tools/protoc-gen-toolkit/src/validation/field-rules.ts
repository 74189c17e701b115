import { getExtension, hasExtension } from '@bufbuild/protobuf';
import type { DescField, DescMessage, DescOneof, Message } from '@bufbuild/protobuf';
import {
  disabled,
  FieldRulesSchema,
  ignored,
  required,
  rules,
} from '../../gen/validate/validate_pb';
import { RuleSet, RuleSite } from './rule-set';

/** The two independent parts of a `validate.FieldRules`: the typed family and `message` rules. */
export interface FieldRuleSets {
  /** `string`, `int32`, `repeated`, `map`, `duration`... as written. */
  type?: RuleSet;
  /** `message` rules (`required`, `skip`). */
  message?: RuleSet;
}

/** Splits a FieldRules message (a field's `(validate.rules)`, or `items`/`keys`/`values`). */
export function splitFieldRules(
  schema: DescMessage,
  message: Message,
  site: RuleSite,
): FieldRuleSets {
  const top = new RuleSet('', schema, message, site);
  const result: FieldRuleSets = {};
  for (const name of top.names) {
    const nested = top.message(name);
    if (!nested) continue;
    const set = new RuleSet(name, nested.schema, nested.message, site);
    if (name === 'message') result.message = set;
    else result.type = set;
  }
  return result;
}

/** The `(validate.rules)` of a field. */
export function fieldRuleSets(field: DescField, site: RuleSite): FieldRuleSets {
  const options = field.proto.options;
  if (!options || !hasExtension(options, rules)) return {};
  return splitFieldRules(FieldRulesSchema, getExtension(options, rules), site);
}

/** `(validate.disabled)` or `(validate.ignored)`: the message gets no validator at all. */
export function isValidationOff(message: DescMessage): boolean {
  const options = message.proto.options;
  if (!options) return false;
  return (
    (hasExtension(options, disabled) && getExtension(options, disabled)) ||
    (hasExtension(options, ignored) && getExtension(options, ignored))
  );
}

/** `(validate.required)` on a oneof. */
export function isOneofRequired(oneof: DescOneof): boolean {
  const options = oneof.proto.options;
  return (
    options !== undefined && hasExtension(options, required) && getExtension(options, required)
  );
}
