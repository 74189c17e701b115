import type { DescFile } from '@bufbuild/protobuf';
import { ImportCollector } from '../code/imports';
import { LOCAL_HELPERS, LocalHelper } from './local-helpers';

/**
 * Shared state while emitting one file's validators: imports from src/toolkit/validation, the
 * local conversion helpers used, and module-level constants (compiled patterns, sets) so that
 * everything costly is built once at module load.
 */
export class EmitContext {
  private readonly helpers = new Set<string>();
  private readonly constants: string[] = [];
  private readonly constantNames = new Set<string>();

  constructor(
    readonly imports: ImportCollector,
    /** The proto file being generated (validators of its messages are called directly). */
    readonly file: DescFile,
    private readonly validationModule: string,
    readonly descriptorModule: string,
  ) {}

  /** A function of src/toolkit/validation. */
  validation(name: string): string {
    return this.imports.value(this.validationModule, name);
  }

  /** A value of src/toolkit/descriptor. */
  descriptor(name: string): string {
    return this.imports.value(this.descriptorModule, name);
  }

  /** A local conversion helper (emitted once at the top of the file). */
  helper(name: LocalHelper): string {
    this.helpers.add(name);
    return name;
  }

  /** Declares `const <name> = <initializer>;` at module level and returns the (unique) name. */
  constant(baseName: string, initializer: string): string {
    let name = baseName;
    for (let suffix = 2; this.constantNames.has(name); suffix += 1) name = `${baseName}${suffix}`;
    this.constantNames.add(name);
    this.constants.push(`const ${name} = ${initializer};`);
    return name;
  }

  /** Like `constant`, but declared once per name: for tables shared by many fields (enum numbers). */
  sharedConstant(name: string, initializer: string): string {
    if (!this.constantNames.has(name)) {
      this.constantNames.add(name);
      this.constants.push(`const ${name} = ${initializer};`);
    }
    return name;
  }

  renderHelpers(): string[] {
    return Object.entries(LOCAL_HELPERS)
      .filter(([name]) => this.helpers.has(name))
      .map(([, source]) => source);
  }

  renderConstants(): string[] {
    return this.constants;
  }
}
