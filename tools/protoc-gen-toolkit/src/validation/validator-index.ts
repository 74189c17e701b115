import type { DescField, DescFile, DescMessage } from '@bufbuild/protobuf';
import { FieldRulesSchema } from '../../gen/validate/validate_pb';
import { fieldRuleSets, isOneofRequired, isValidationOff, splitFieldRules } from './field-rules';
import type { FieldRuleSets } from './field-rules';

/**
 * Which messages get a `validate` function: those with rules of their own, or with a message
 * field (singular, repeated item or map value, not `skip`ped) whose type gets one. Computed as a
 * fixpoint over every file of the request, so cycles and cross-file references are handled.
 */
export class ValidatorIndex {
  private readonly withValidator = new Set<string>();

  constructor(files: readonly DescFile[]) {
    const messages = files.flatMap((file) => allMessages(file.messages));
    for (const message of messages)
      if (!isValidationOff(message) && hasOwnRules(message))
        this.withValidator.add(message.typeName);
    for (let changed = true; changed;) {
      changed = false;
      for (const message of messages) {
        if (this.withValidator.has(message.typeName) || isValidationOff(message)) continue;
        if (message.fields.some((field) => this.recursesInto(field) !== undefined)) {
          this.withValidator.add(message.typeName);
          changed = true;
        }
      }
    }
  }

  has(message: DescMessage): boolean {
    return this.withValidator.has(message.typeName);
  }

  /** The message type a field's validation recurses into, if any. */
  recursesInto(field: DescField): DescMessage | undefined {
    const target =
      field.fieldKind === 'message' || field.fieldKind === 'list' || field.fieldKind === 'map'
        ? field.message
        : undefined;
    if (!target || !this.withValidator.has(target.typeName)) return undefined;
    return isSkipped(field) ? undefined : target;
  }
}

/** Every message of a file, nested ones included, map entries excluded. */
export function allMessages(messages: readonly DescMessage[]): DescMessage[] {
  return messages
    .filter((message) => !message.proto.options?.mapEntry)
    .flatMap((message) => [message, ...allMessages(message.nestedMessages)]);
}

function hasOwnRules(message: DescMessage): boolean {
  if (message.oneofs.some(isOneofRequired)) return true;
  return message.fields.some((field) => {
    const sets = quietRuleSets(field);
    return sets.type !== undefined || (sets.message?.flag('required') ?? false);
  });
}

/** `message.skip` on the field, or on `items` / `values` of a repeated / map field. */
function isSkipped(field: DescField): boolean {
  const sets = quietRuleSets(field);
  if (sets.message?.flag('skip')) return true;
  const nestedName =
    field.fieldKind === 'list' ? 'items' : field.fieldKind === 'map' ? 'values' : undefined;
  const nested = nestedName ? sets.type?.message(nestedName) : undefined;
  if (!nested) return false;
  return (
    splitFieldRules(FieldRulesSchema, nested.message, siteOf(field)).message?.flag('skip') ?? false
  );
}

function quietRuleSets(field: DescField): FieldRuleSets {
  return fieldRuleSets(field, siteOf(field));
}

export function siteOf(field: DescField): { file: string; where: string } {
  return {
    file: field.parent.file.proto.name,
    where: `message ${field.parent.typeName}, field ${field.name}`,
  };
}
