import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ServiceDescriptor } from '../descriptor';

/**
 * The package definition server reflection indexes. proto-loader synthesizes file descriptors with
 * made-up names and no imports, which reflection clients such as `buf curl` cannot resolve; the
 * generator embeds the real FileDescriptorSet of the service's file and its imports, so reflection
 * serves those, plus whatever else the server loaded (grpc.health.v1).
 * @internal
 */
export function reflectionDefinition(
  loaded: PackageDefinition,
  service: ServiceDescriptor,
): PackageDefinition {
  if (!service.fileDescriptorSet) return loaded;
  const set = fromBinary(FileDescriptorSetSchema, Buffer.from(service.fileDescriptorSet, 'base64'));
  const realFiles = set.file.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
  const others = Object.fromEntries(
    Object.entries(loaded).filter(([name]) => !name.startsWith(`${service.package}.`)),
  );
  return {
    ...others,
    [service.fullName]: {
      format: 'Protocol Buffer 3 DescriptorProto',
      type: {},
      fileDescriptorProtos: realFiles,
    },
  } as PackageDefinition;
}
