import { clone, create, toBinary, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

/**
 * The file and everything it imports, dependencies first, as a serialized
 * google.protobuf.FileDescriptorSet in base64. Server reflection serves these real descriptors:
 * the ones @grpc/proto-loader synthesizes have made-up file names and no imports, so reflection
 * clients such as `buf curl` cannot resolve the request types from them.
 */
export function fileDescriptorSetBase64(file: DescFile): string {
  const ordered: DescFile[] = [];
  const seen = new Set<string>();
  const visit = (current: DescFile): void => {
    if (seen.has(current.proto.name)) return;
    seen.add(current.proto.name);
    for (const dependency of current.dependencies) visit(dependency);
    ordered.push(current);
  };
  visit(file);
  const files = ordered.map((current) => {
    const proto = clone(FileDescriptorProtoSchema, current.proto);
    proto.sourceCodeInfo = undefined;
    return proto;
  });
  const set = create(FileDescriptorSetSchema, { file: files });
  return Buffer.from(toBinary(FileDescriptorSetSchema, set)).toString('base64');
}
