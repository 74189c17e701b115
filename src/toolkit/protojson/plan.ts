import { getEnumDescriptor, getMessageDescriptor } from '../descriptor/registry';
import { FieldDescriptor } from '../descriptor/types';

/** What the codec needs about a message, computed once per type on first use. @internal */
export interface MessagePlan {
  readonly fullName: string;
  readonly fields: readonly FieldDescriptor[];
  /** Field by proto name and by jsonName. */
  readonly byKey: ReadonlyMap<string, FieldDescriptor>;
  /** Names of the real oneofs (proto-loader `oneofs: true` adds a property naming the set member). */
  readonly oneofs: readonly string[];
}

/** @internal */
export interface EnumPlan {
  readonly fullName: string;
  readonly numberByName: ReadonlyMap<string, number>;
  readonly nameByNumber: ReadonlyMap<number, string>;
  /** The proto3 default: the first declared value. */
  readonly defaultName: string;
}

const messagePlans = new Map<string, MessagePlan>();
const enumPlans = new Map<string, EnumPlan>();

/** @internal */
export function messagePlan(fullName: string): MessagePlan {
  let plan = messagePlans.get(fullName);
  if (!plan) {
    const { fields } = getMessageDescriptor(fullName);
    const byKey = new Map<string, FieldDescriptor>();
    for (const field of fields) {
      byKey.set(field.name, field);
      byKey.set(field.jsonName, field);
    }
    const oneofs = [...new Set(fields.flatMap((field) => (field.oneof ? [field.oneof] : [])))];
    plan = { fullName, fields, byKey, oneofs };
    messagePlans.set(fullName, plan);
  }
  return plan;
}

/** @internal */
export function enumPlan(fullName: string): EnumPlan {
  let plan = enumPlans.get(fullName);
  if (!plan) {
    const { values } = getEnumDescriptor(fullName);
    if (values.length === 0) throw new Error(`enum ${fullName} has no values`);
    const nameByNumber = new Map<number, string>();
    // With allow_alias several names share a number; the first declared one is canonical.
    for (const value of values)
      if (!nameByNumber.has(value.number)) nameByNumber.set(value.number, value.name);
    plan = {
      fullName,
      numberByName: new Map(values.map((value) => [value.name, value.number])),
      nameByNumber,
      defaultName: values[0].name,
    };
    enumPlans.set(fullName, plan);
  }
  return plan;
}
