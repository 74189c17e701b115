import * as path from 'node:path';

/** Output-root-relative module paths (leading `/`) of the runtime the generated code imports. */
export interface RuntimeModules {
  descriptor: string;
  validation: string;
  transport: string;
  grpc: string;
  /** src/plugins/<dir> */
  plugin(dir: string): string;
  /** src/plugins/<dir>/<dir>.mocks */
  pluginMocks(dir: string): string;
}

/** `srcRoot` is the path from the output root to the repository's `src` (`..` for src/gen). */
export function runtimeModules(srcRoot: string): RuntimeModules {
  const at = (...segments: string[]): string => `/${path.posix.join(srcRoot, ...segments)}`;
  return {
    descriptor: at('toolkit', 'descriptor'),
    validation: at('toolkit', 'validation'),
    transport: at('toolkit', 'transport'),
    grpc: at('toolkit', 'grpc'),
    plugin: (dir) => at('plugins', dir),
    pluginMocks: (dir) => at('plugins', dir, `${dir}.mocks`),
  };
}
