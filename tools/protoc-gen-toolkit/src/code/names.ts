import type { DescEnum, DescFile, DescMessage } from '@bufbuild/protobuf';

/** `pgsql` → `Pgsql`, `user_cache` → `UserCache`. */
export function pascalCase(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** `CreateUser` → `createUser`, the method name ts-proto and Nest use. */
export function lowerFirst(value: string): string {
  return value.length === 0 ? value : value[0].toLowerCase() + value.slice(1);
}

/** The name ts-proto gives a message or enum: nested names joined with `_`. */
export function tsProtoName(desc: DescMessage | DescEnum): string {
  const prefix = desc.file.proto.package ? `${desc.file.proto.package}.` : '';
  return desc.typeName.slice(prefix.length).replace(/\./g, '_');
}

/** Output-root-relative module path (leading `/`) of ts-proto's file for `file`. */
export function tsProtoModule(file: DescFile): string {
  return `/${file.name}`;
}

/** Output-root-relative module path of our toolkit file for `file`. */
/**
 * Name of the frozen descriptor set a file's toolkit module exports: `UserServiceTypes` for
 * `userservice/user-service.proto`.
 */
export function descriptorSetName(file: DescFile): string {
  return `${pascalCase(file.name.slice(file.name.lastIndexOf('/') + 1))}Types`;
}

export function toolkitModule(file: DescFile): string {
  return `/${file.name}.toolkit`;
}
