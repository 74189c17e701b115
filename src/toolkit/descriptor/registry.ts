import { DescriptorSet } from './descriptor-set';
import { EnumDescriptor, FieldDescriptor, MessageDescriptor } from './types';

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

/** A path parameter resolved against the descriptors: the fields from the root to the leaf. @internal */
export interface ResolvedFieldPath {
  readonly resolved: readonly FieldDescriptor[];
  /** The fields' proto names, dotted. */
  readonly protoPath: string;
}

/**
 * The message and enum types one app knows, from the descriptor sets of the services it serves
 * and calls (each with the sets it imports), and the codec's per-type plans of them. Each app
 * builds its own in its Nest container, so two apps in one process never see each other's types
 * or caches.
 * @publicApi
 */
export class DescriptorRegistry {
  private readonly messages = new Map<string, MessageDescriptor>();
  private readonly enums = new Map<string, EnumDescriptor>();
  private readonly messagePlans = new Map<string, MessagePlan>();
  private readonly enumPlans = new Map<string, EnumPlan>();
  /**
   * Path parameters come from the route table (a fixed set per message type), so their
   * resolution is kept, by message type then parameter name. @internal
   */
  readonly pathParameters = new Map<string, Map<string, ResolvedFieldPath>>();

  constructor(sets: Iterable<DescriptorSet>) {
    const seen = new Set<DescriptorSet>();
    const add = (set: DescriptorSet): void => {
      if (seen.has(set)) return;
      seen.add(set);
      for (const dependency of set.dependencies) add(dependency);
      for (const descriptor of set.messages) this.messages.set(descriptor.fullName, descriptor);
      for (const descriptor of set.enums) this.enums.set(descriptor.fullName, descriptor);
    };
    for (const set of sets) add(set);
  }

  /** Whether the registry describes message `fullName`. */
  hasMessage(fullName: string): boolean {
    return this.messages.has(fullName);
  }

  /** @throws Error when no set of the app describes the message. */
  message(fullName: string): MessageDescriptor {
    const descriptor = this.messages.get(fullName);
    if (!descriptor)
      throw new Error(
        `message type ${fullName} is not known to this app (is its descriptor set in the registry?)`,
      );
    return descriptor;
  }

  /** @throws Error when no set of the app describes the enum. */
  enum(fullName: string): EnumDescriptor {
    const descriptor = this.enums.get(fullName);
    if (!descriptor)
      throw new Error(
        `enum type ${fullName} is not known to this app (is its descriptor set in the registry?)`,
      );
    return descriptor;
  }

  /** @internal */
  messagePlan(fullName: string): MessagePlan {
    let plan = this.messagePlans.get(fullName);
    if (!plan) {
      const { fields } = this.message(fullName);
      const byKey = new Map<string, FieldDescriptor>();
      for (const field of fields) {
        byKey.set(field.name, field);
        byKey.set(field.jsonName, field);
      }
      const oneofs = [...new Set(fields.flatMap((field) => (field.oneof ? [field.oneof] : [])))];
      plan = { fullName, fields, byKey, oneofs };
      this.messagePlans.set(fullName, plan);
    }
    return plan;
  }

  /** @internal */
  enumPlan(fullName: string): EnumPlan {
    let plan = this.enumPlans.get(fullName);
    if (!plan) {
      const { values } = this.enum(fullName);
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
      this.enumPlans.set(fullName, plan);
    }
    return plan;
  }
}
