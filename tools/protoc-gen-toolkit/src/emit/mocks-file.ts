import type { DescFile } from '@bufbuild/protobuf';
import { CodeWriter } from '../code/code-writer';
import { ImportCollector } from '../code/imports';
import { toolkitModule } from '../code/names';
import { PLUGIN_KINDS } from '../service/plugin-kinds';
import { ServiceModel } from '../service/service-model';
import { hasGrpcServer, header } from './toolkit-file';
import { RuntimeModules } from './runtime-modules';

/** Renders `<name>.toolkit.mocks.ts`: jest doubles of each service's plugins and gRPC client. */
export function renderMocksFile(
  file: DescFile,
  services: readonly ServiceModel[],
  runtime: RuntimeModules,
): string {
  const imports = new ImportCollector(`${file.name}.toolkit.mocks.ts`);
  const w = new CodeWriter();
  for (const [position, service] of services.entries()) {
    if (position > 0) w.line();
    const name = service.name;
    w.line(`/** One jest mock per plugin of ${service.fullName}, keyed by prefix. */`);
    w.block(`export function create${name}PluginMocks() {`, () => {
      w.block(
        'return {',
        () => {
          for (const plugin of service.plugins) {
            const kind = PLUGIN_KINDS[plugin.kind];
            w.line(
              `${plugin.prefix}: ${imports.value(runtime.pluginMocks(kind.dir), kind.mockFactory)}(),`,
            );
          }
        },
        '};',
      );
    });
    if (!hasGrpcServer(service)) continue;
    const client = imports.type(toolkitModule(file), `${name}GrpcClient`);
    w.line();
    w.line(`/** A ${name}GrpcClient whose methods are jest mocks. */`);
    w.block(`export function create${name}ClientMock(): jest.Mocked<${client}> {`, () => {
      w.block(
        'return {',
        () => {
          for (const method of service.methods)
            // A streaming method's mock yields nothing until given an implementation, so code
            // that iterates it ends instead of failing on `undefined`.
            w.line(
              method.serverStreaming
                ? `${method.localName}: jest.fn<ReturnType<${client}['${method.localName}']>, Parameters<${client}['${method.localName}']>>(async function* () {}),`
                : `${method.localName}: jest.fn(),`,
            );
        },
        '};',
      );
    });
  }
  return [header(file), '', ...imports.render(), '', w.toString(), ''].join('\n');
}
