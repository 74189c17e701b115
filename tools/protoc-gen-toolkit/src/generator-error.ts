/**
 * A problem in the input protos. The plugin stops at the first one; protoplugin prints the
 * message (never a stack) and exits non-zero, and buf names the plugin that failed.
 */
export class GeneratorError extends Error {
  constructor(file: string, where: string, problem: string) {
    super(`${file}: ${where}: ${problem}`);
    this.name = 'GeneratorError';
  }
}
