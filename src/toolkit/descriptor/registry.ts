import { EnumDescriptor, MessageDescriptor } from './types';

const messages = new Map<string, MessageDescriptor>();
const enums = new Map<string, EnumDescriptor>();

/**
 * Generated files register their message and enum descriptors at import time, so a field that
 * refers to a type from another file (the gateway reuses userservice messages) resolves by name.
 * @internal
 */
export function registerTypes(
  messageDescriptors: readonly MessageDescriptor[],
  enumDescriptors: readonly EnumDescriptor[] = [],
): void {
  for (const descriptor of messageDescriptors) messages.set(descriptor.fullName, descriptor);
  for (const descriptor of enumDescriptors) enums.set(descriptor.fullName, descriptor);
}

/** @publicApi */
export function getMessageDescriptor(fullName: string): MessageDescriptor {
  const descriptor = messages.get(fullName);
  if (!descriptor)
    throw new Error(`message type ${fullName} is not registered (is its gen file imported?)`);
  return descriptor;
}

/** @publicApi */
export function getEnumDescriptor(fullName: string): EnumDescriptor {
  const descriptor = enums.get(fullName);
  if (!descriptor)
    throw new Error(`enum type ${fullName} is not registered (is its gen file imported?)`);
  return descriptor;
}
