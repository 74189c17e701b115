import { ScalarType } from '@bufbuild/protobuf';
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { FieldRulesSchema } from '../../gen/validate/validate_pb';
import { CodeWriter } from '../code/code-writer';
import { quote } from '../code/literal';
import { descriptorSetName, toolkitModule, tsProtoName } from '../code/names';
import { GeneratorError } from '../generator-error';
import { EmitContext } from './emit-context';
import { fieldRuleSets, FieldRuleSets, isOneofRequired, splitFieldRules } from './field-rules';
import { report, reportSizeBounds } from './report';
import { RuleSet, RuleSite } from './rule-set';
import {
  convertMapKey,
  convertValue,
  emitScalarRules,
  ruleFamilyOf,
  ValueKind,
} from './scalar-rules';
import { siteOf, ValidatorIndex } from './validator-index';

/** Name of the generated validator function of a message of the current file. */
export function validatorName(message: DescMessage): string {
  return `validate${tsProtoName(message)}`;
}

/** Emits `function validateX(message, path = '')` for one message that has a validator. */
export function emitMessageValidator(
  w: CodeWriter,
  ctx: EmitContext,
  index: ValidatorIndex,
  message: DescMessage,
): void {
  const violationType = ctx.imports.type(ctx.descriptorModule, 'FieldViolation');
  w.line(`/** Validates ${message.typeName} (PGV semantics); returns every violation. */`);
  w.block(
    `function ${validatorName(message)}(message: Record<string, unknown>, path = ''): ${violationType}[] {`,
    () => {
      w.line(`const violations: ${violationType}[] = [];`);
      for (const field of message.fields) emitField(w, ctx, index, message, field);
      for (const oneof of message.oneofs) {
        if (!isOneofRequired(oneof)) continue;
        const unset = oneof.fields
          .map((field) => `message[${quote(field.name)}] == null`)
          .join(' && ');
        const path = `${ctx.validation('fieldPath')}(path, ${quote(oneof.name)})`;
        w.line(
          `if (${unset}) violations.push(${ctx.validation('violation')}(${path}, "required", "exactly one field is required in oneof"));`,
        );
      }
      w.line('return violations;');
    },
  );
}

function emitField(
  w: CodeWriter,
  ctx: EmitContext,
  index: ValidatorIndex,
  message: DescMessage,
  field: DescField,
): void {
  const site = siteOf(field);
  const sets = fieldRuleSets(field, site);
  const target: Target = {
    raw: `message[${quote(field.name)}]`,
    path: `${ctx.validation('fieldPath')}(path, ${quote(field.name)})`,
    label: `${tsProtoName(message)}_${field.name}`,
  };
  switch (field.fieldKind) {
    case 'scalar':
    case 'enum': {
      const kind: ValueKind =
        field.fieldKind === 'enum' ? { enumDesc: field.enum } : { scalar: field.scalar };
      const rules = typedRules(sets, kind, site);
      if (!rules) return;
      const hasPresence = field.proto.proto3Optional === true || field.oneof !== undefined;
      w.block('{', () => {
        const body = (): void => {
          w.line(`const value = ${convertValue(kind, target.raw, ctx)};`);
          emitScalarRules(w, ctx, rules, kind, 'value', target.path, target.label);
        };
        if (hasPresence) w.block(`if (${target.raw} != null) {`, body);
        else body();
      });
      return;
    }
    case 'message': {
      if (sets.type)
        throw mismatch(site, sets.type, `message field of type ${field.message.typeName}`);
      sets.message?.assertSupported(['required', 'skip']);
      emitMessageValue(w, ctx, target, sets.message, index.recursesInto(field), undefined);
      return;
    }
    case 'list':
      return emitRepeated(w, ctx, index, field, sets, target, site);
    case 'map':
      return emitMap(w, ctx, index, field, sets, target, site);
  }
}

/** A value being validated: its raw expression, violation path expression and constants prefix. */
interface Target {
  raw: string;
  path: string;
  label: string;
}

/** The scalar/enum rule set of `sets`, checked against the value kind. */
function typedRules(sets: FieldRuleSets, kind: ValueKind, site: RuleSite): RuleSet | undefined {
  if (sets.message)
    throw sets.message.unsupported(
      sets.message.names[0] ?? 'required',
      `applies to message fields only, not to ${ruleFamilyOf(kind)} values`,
    );
  if (!sets.type) return undefined;
  if (sets.type.family !== ruleFamilyOf(kind))
    throw mismatch(site, sets.type, `${ruleFamilyOf(kind)} value`);
  return sets.type;
}

function mismatch(site: RuleSite, rules: RuleSet, what: string): GeneratorError {
  const unsupportedFamilies = ['any', 'duration', 'timestamp'];
  if (unsupportedFamilies.includes(rules.family)) {
    return new GeneratorError(
      site.file,
      site.where,
      `rule (validate.rules).${rules.family} is not supported by the toolkit generator`,
    );
  }
  return new GeneratorError(
    site.file,
    site.where,
    `rule (validate.rules).${rules.family} does not apply to a ${what}`,
  );
}

/** Message value: `required`, optional `no_sparse`, and recursion into its validator. */
function emitMessageValue(
  w: CodeWriter,
  ctx: EmitContext,
  target: Target,
  rules: RuleSet | undefined,
  nested: DescMessage | undefined,
  noSparse: boolean | undefined,
): void {
  const required = rules?.flag('required') ?? false;
  if (!required && !nested && !noSparse) return;
  w.block('{', () => {
    w.line(`const value = ${ctx.helper('asRecord')}(${target.raw});`);
    if (noSparse)
      report(
        w,
        ctx,
        'value === undefined',
        target.path,
        'map.no_sparse',
        'value cannot be sparse, all pairs must be non-null',
      );
    if (required)
      report(w, ctx, 'value === undefined', target.path, 'required', 'value is required');
    if (nested)
      w.line(
        `if (value !== undefined) violations.push(...${nestedCall(ctx, nested, 'value', target.path)});`,
      );
  });
}

/**
 * Calls a nested message's validator: directly in the same file, otherwise through the imported
 * descriptor set of its file, looked up once at module load.
 */
function nestedCall(ctx: EmitContext, nested: DescMessage, value: string, path: string): string {
  if (nested.file === ctx.file) return `${validatorName(nested)}(${value}, ${path})`;
  const set = ctx.imports.value(toolkitModule(nested.file), descriptorSetName(nested.file));
  const validator = ctx.sharedConstant(
    `${validatorName(nested)}_of_${set}`,
    `${ctx.descriptor('validatorOf')}(${set}, ${quote(nested.typeName)})`,
  );
  return `${validator}(${value}, ${path})`;
}

/** The FieldRules nested under `items` / `keys` / `values`. */
function nestedRules(rules: RuleSet | undefined, name: string, site: RuleSite): FieldRuleSets {
  const nested = rules?.message(name);
  return nested
    ? splitFieldRules(FieldRulesSchema, nested.message, {
        file: site.file,
        where: `${site.where} (${name})`,
      })
    : {};
}

function elementKind(field: DescField & { fieldKind: 'list' | 'map' }): ValueKind | undefined {
  if (field.fieldKind === 'list') {
    if (field.listKind === 'scalar') return { scalar: field.scalar };
    return field.listKind === 'enum' ? { enumDesc: field.enum } : undefined;
  }
  if (field.mapKind === 'scalar') return { scalar: field.scalar };
  return field.mapKind === 'enum' ? { enumDesc: field.enum } : undefined;
}

function emitRepeated(
  w: CodeWriter,
  ctx: EmitContext,
  index: ValidatorIndex,
  field: DescField & { fieldKind: 'list' },
  sets: FieldRuleSets,
  target: Target,
  site: RuleSite,
): void {
  if (sets.message)
    throw sets.message.unsupported(
      sets.message.names[0] ?? 'required',
      'does not apply to a repeated field (use repeated.items.message)',
    );
  if (sets.type && sets.type.family !== 'repeated')
    throw mismatch(site, sets.type, 'repeated field');
  const rules = sets.type;
  rules?.assertSupported(['min_items', 'max_items', 'unique', 'items', 'ignore_empty']);
  rules?.assertSizeRules(undefined, 'min_items', 'max_items');
  const kind = elementKind(field);
  const itemSets = nestedRules(rules, 'items', site);
  const itemRules = kind ? typedRules(itemSets, kind, site) : undefined;
  if (!kind && itemSets.type)
    throw mismatch(site, itemSets.type, `message item of type ${field.message?.typeName ?? ''}`);
  if (!kind) itemSets.message?.assertSupported(['required', 'skip']);
  const nested = index.recursesInto(field);
  const itemRequired = !kind && (itemSets.message?.flag('required') ?? false);
  const perItem = itemRules !== undefined || nested !== undefined || itemRequired;
  const listRules = ['min_items', 'max_items', 'unique'].some((name) => rules?.has(name));
  if (!listRules && !perItem) return;
  if (rules?.flag('unique') && (!kind || ('scalar' in kind && kind.scalar === ScalarType.BYTES))) {
    throw rules.unsupported('unique', 'applies to scalar and enum items only');
  }
  w.block('{', () => {
    w.line(`const items = ${ctx.helper('asList')}(${target.raw});`);
    const body = (): void => {
      reportSizeBounds(
        w,
        ctx,
        rules,
        { measure: 'items.length', path: target.path, family: 'repeated' },
        [
          {
            rule: 'min_items',
            broken: '<',
            describe: (n) => `value must contain at least ${n} item(s)`,
          },
          {
            rule: 'max_items',
            broken: '>',
            describe: (n) => `value must contain no more than ${n} item(s)`,
          },
        ],
      );
      if (kind && rules?.flag('unique')) {
        report(
          w,
          ctx,
          `new Set(items.map((item) => ${convertValue(kind, 'item', ctx)})).size !== items.length`,
          target.path,
          'repeated.unique',
          'repeated value must contain unique items',
        );
      }
      if (!perItem) return;
      w.block('for (let index = 0; index < items.length; index += 1) {', () => {
        const item: Target = {
          raw: 'items[index]',
          path: `${ctx.validation('indexPath')}(${target.path}, index)`,
          label: `${target.label}_items`,
        };
        if (kind && itemRules) {
          w.line(`const value = ${convertValue(kind, item.raw, ctx)};`);
          emitScalarRules(w, ctx, itemRules, kind, 'value', item.path, item.label);
        } else {
          emitMessageValue(w, ctx, item, itemSets.message, nested, undefined);
        }
      });
    };
    if (rules?.flag('ignore_empty')) w.block('if (items.length > 0) {', body);
    else body();
  });
}

function emitMap(
  w: CodeWriter,
  ctx: EmitContext,
  index: ValidatorIndex,
  field: DescField & { fieldKind: 'map' },
  sets: FieldRuleSets,
  target: Target,
  site: RuleSite,
): void {
  if (sets.message)
    throw sets.message.unsupported(
      sets.message.names[0] ?? 'required',
      'does not apply to a map field (use map.values.message)',
    );
  if (sets.type && sets.type.family !== 'map') throw mismatch(site, sets.type, 'map field');
  const rules = sets.type;
  rules?.assertSupported(['min_pairs', 'max_pairs', 'no_sparse', 'keys', 'values', 'ignore_empty']);
  rules?.assertSizeRules(undefined, 'min_pairs', 'max_pairs');
  const keyKind: ValueKind = { scalar: field.mapKey };
  const keyRules = typedRules(nestedRules(rules, 'keys', site), keyKind, site);
  const valueKind = elementKind(field);
  const valueSets = nestedRules(rules, 'values', site);
  const valueRules = valueKind ? typedRules(valueSets, valueKind, site) : undefined;
  if (!valueKind && valueSets.type)
    throw mismatch(site, valueSets.type, `message value of type ${field.message?.typeName ?? ''}`);
  if (!valueKind) valueSets.message?.assertSupported(['required', 'skip']);
  const noSparse = rules?.flag('no_sparse') ?? false;
  if (rules && noSparse && valueKind)
    throw rules.unsupported('no_sparse', 'applies to maps with message values only');
  const nested = index.recursesInto(field);
  const valueRequired = !valueKind && (valueSets.message?.flag('required') ?? false);
  const perEntry =
    keyRules !== undefined ||
    valueRules !== undefined ||
    nested !== undefined ||
    valueRequired ||
    noSparse;
  if (!rules && !perEntry) return;
  w.block('{', () => {
    w.line(`const entries = ${ctx.helper('asEntries')}(${target.raw});`);
    const body = (): void => {
      reportSizeBounds(
        w,
        ctx,
        rules,
        { measure: 'entries.length', path: target.path, family: 'map' },
        [
          { rule: 'min_pairs', broken: '<', describe: (n) => `map must be at least ${n} entries` },
          { rule: 'max_pairs', broken: '>', describe: (n) => `map must be at most ${n} entries` },
        ],
      );
      if (!perEntry) return;
      w.block('for (const [key, entry] of entries) {', () => {
        const entryPath = `${ctx.validation('keyPath')}(${target.path}, key)`;
        if (keyRules) {
          w.block('{', () => {
            w.line(`const value = ${convertMapKey(field.mapKey, 'key', ctx)};`);
            emitScalarRules(w, ctx, keyRules, keyKind, 'value', entryPath, `${target.label}_keys`);
          });
        }
        const value: Target = { raw: 'entry', path: entryPath, label: `${target.label}_values` };
        if (valueKind && valueRules) {
          w.block('{', () => {
            w.line(`const value = ${convertValue(valueKind, value.raw, ctx)};`);
            emitScalarRules(w, ctx, valueRules, valueKind, 'value', value.path, value.label);
          });
        } else if (!valueKind) {
          emitMessageValue(w, ctx, value, valueSets.message, nested, noSparse);
        }
      });
    };
    if (rules?.flag('ignore_empty')) w.block('if (entries.length > 0) {', body);
    else body();
  });
}
