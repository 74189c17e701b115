import { createEcmaScriptPlugin } from '@bufbuild/protoplugin';
import type { DescFile } from '@bufbuild/protobuf';
import { renderMocksFile } from './emit/mocks-file';
import { runtimeModules } from './emit/runtime-modules';
import { renderToolkitFile } from './emit/toolkit-file';
import { buildOpenApiDocument, openApiFileName, servesHttp } from './openapi/openapi-document';
import { buildServiceModel, checkFilePlugins } from './service/service-model';
import { allMessages, ValidatorIndex } from './validation/validator-index';

interface ToolkitPluginOptions {
  /** Path from the output root to the repository's `src` (`..` when generating into src/gen). */
  srcRoot: string;
}

function parseOptions(raw: { key: string; value: string }[]): ToolkitPluginOptions {
  let srcRoot: string | undefined;
  for (const { key, value } of raw) {
    if (key === 'src_root') srcRoot = value;
    else throw new Error(`unknown option "${key}" (supported: src_root)`);
  }
  if (!srcRoot)
    throw new Error('option src_root is required (path from the output directory to src/)');
  return { srcRoot };
}

/** Files whose types are the runtime's business (well-known types) get no toolkit file. */
function isGenerated(file: DescFile): boolean {
  return !file.proto.package.startsWith('google.');
}

/**
 * protoc-gen-toolkit: per proto file, `<name>.toolkit.ts` (its frozen descriptor set with generated
 * validators, service descriptors, decorators, plugin injectors, gRPC clients) and, for files with
 * services, `<name>.toolkit.mocks.ts` (jest doubles); per service with an HTTP server,
 * `<Service>.openapi.json` (its OpenAPI 3.1 document, which the runtime serves).
 */
export const protocGenToolkit = createEcmaScriptPlugin({
  name: 'protoc-gen-toolkit',
  version: 'v1',
  parseOptions,
  generateTs(schema) {
    const runtime = runtimeModules(schema.options.srcRoot);
    const index = new ValidatorIndex(schema.allFiles);
    const generated = new Set(schema.files.filter(isGenerated));
    const generatedNames = new Set([...generated].map((file) => file.name));
    for (const file of generated) {
      checkFilePlugins(file);
      const services = file.services.map(buildServiceModel);
      // By name: a dependency may be a different object than the same file among schema.files.
      const dependencies = file.dependencies.filter(
        (dependency) =>
          generatedNames.has(dependency.name) && allMessages(dependency.messages).length > 0,
      );
      schema
        .generateFile(`${file.name}.toolkit.ts`)
        .print(renderToolkitFile(file, services, index, runtime, dependencies));
      for (const service of services.filter(servesHttp))
        schema
          .generateFile(openApiFileName(service))
          .print(`${JSON.stringify(buildOpenApiDocument(service), null, 2)}\n`);
      if (services.length > 0)
        schema
          .generateFile(`${file.name}.toolkit.mocks.ts`)
          .print(renderMocksFile(file, services, runtime));
    }
  },
});
