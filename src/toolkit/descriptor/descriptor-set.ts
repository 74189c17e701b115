import { EnumDescriptor, MessageDescriptor } from './types';

/**
 * The message and enum descriptors of one proto file, with the sets of the files it imports.
 * Generated `*.toolkit.ts` files export one as a frozen constant: importing a file registers
 * nothing anywhere, an app builds its own `DescriptorRegistry` from the sets it serves.
 * @publicApi
 */
export interface DescriptorSet {
  /** Path of the .proto relative to proto/, e.g. `userservice/user-service.proto`. */
  readonly file: string;
  readonly messages: readonly MessageDescriptor[];
  readonly enums: readonly EnumDescriptor[];
  /** Sets of the imported files that have messages; each lists its own imports in turn. */
  readonly dependencies: readonly DescriptorSet[];
}

/**
 * Freezes a set and everything it describes, so that no holder of a shared generated constant
 * can change what another app sees.
 * @publicApi
 */
export function defineDescriptorSet(set: DescriptorSet): DescriptorSet {
  return deepFreeze(set);
}

type Validator = NonNullable<MessageDescriptor['validate']>;

const noViolations: Validator = () => [];

/**
 * The generated validator of `fullName` in `set` (nested messages of other files are validated
 * through it), or a validator that finds nothing when the message has no rules.
 * @throws Error when the set does not describe the message (the generator and the set disagree).
 * @internal
 */
export function validatorOf(set: DescriptorSet, fullName: string): Validator {
  const descriptor = set.messages.find((message) => message.fullName === fullName);
  if (!descriptor) throw new Error(`${set.file} describes no message ${fullName}`);
  return descriptor.validate ?? noViolations;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const member of Object.values(value)) deepFreeze(member);
  return Object.freeze(value);
}
