import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

// Two apps in one process share every module of src/toolkit, so a module-level collection that
// is written after load is state they can collide on; per-app state lives in the app's container.
const ROOT = path.resolve(__dirname, '..');
const TOOLKIT = path.join(ROOT, 'src', 'toolkit');

/**
 * Memos of pure functions of their key, which two apps can share without seeing each other:
 * parsed .proto files by absolute path and compiled RE2 patterns by source.
 */
const MEMOS = new Set([
  'src/toolkit/grpc/grpc-client.ts:definitions',
  'src/toolkit/validation/pattern.ts:compiled',
]);

const MUTABLE_COLLECTIONS = new Set(['Map', 'Set']);
const READONLY_TYPES = new Set(['ReadonlyMap', 'ReadonlySet']);

function sources(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(child, found);
    else if (entry.name.endsWith('.ts') && !/\.(spec|mocks)\.ts$/.test(entry.name))
      found.push(child);
  }
  return found;
}

/** `name` of every module-level `let`, and of every `const x = new Map/Set` not typed read-only. */
function moduleState(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isLet = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== ts.NodeFlags.Const;
    for (const declaration of list.declarations) {
      const name = declaration.name.getText(source);
      if (isLet) {
        found.push(name);
        continue;
      }
      const init = declaration.initializer;
      if (
        !init ||
        !ts.isNewExpression(init) ||
        !MUTABLE_COLLECTIONS.has(init.expression.getText(source))
      )
        continue;
      const type = declaration.type;
      const readonly =
        type !== undefined &&
        ts.isTypeReferenceNode(type) &&
        READONLY_TYPES.has(type.typeName.getText(source));
      if (!readonly) found.push(name);
    }
  }
  return found;
}

describe('src/toolkit holds no module-level mutable state', () => {
  it('declares module-level collections read-only, and no module-level let', () => {
    const offenders = sources(TOOLKIT).flatMap((file) => {
      const relative = path.relative(ROOT, file).split(path.sep).join('/');
      return moduleState(file, fs.readFileSync(file, 'utf8'))
        .map((name) => `${relative}:${name}`)
        .filter((entry) => !MEMOS.has(entry));
    });
    expect(offenders).toEqual([]);
  });

  it('catches a mutable registry and a let, and lets a read-only table through', () => {
    const text = [
      'const byName = new Map<string, number>();',
      'let last: string | undefined;',
      "const KNOWN: ReadonlySet<string> = new Set(['a']);",
      'const seen = new WeakMap<object, number>();',
    ].join('\n');
    expect(moduleState('x.ts', text)).toEqual(['byName', 'last']);
  });
});
