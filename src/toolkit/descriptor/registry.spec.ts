import { defineDescriptorSet, DescriptorSet, validatorOf } from './descriptor-set';
import { fieldDescriptor, messageType, scalarType } from './field-builders';
import { DescriptorRegistry } from './registry';

const common = defineDescriptorSet({
  file: 'common/common.proto',
  messages: [
    { fullName: 'common.Money', fields: [fieldDescriptor('units', 1, scalarType('int64'))] },
  ],
  enums: [
    {
      fullName: 'common.Currency',
      values: [
        { name: 'CURRENCY_UNSPECIFIED', number: 0 },
        { name: 'EUR', number: 1 },
      ],
    },
  ],
  dependencies: [],
});

const billing = defineDescriptorSet({
  file: 'billing/billing.proto',
  messages: [
    {
      fullName: 'billing.Invoice',
      fields: [fieldDescriptor('total', 1, messageType('common.Money'))],
      validate: (message) =>
        message.total === undefined
          ? [{ field: 'total', description: 'value is required', rule: 'required' }]
          : [],
    },
  ],
  enums: [],
  dependencies: [common],
});

const chat = defineDescriptorSet({
  file: 'chat/chat.proto',
  messages: [
    { fullName: 'chat.Message', fields: [fieldDescriptor('text', 1, scalarType('string'))] },
  ],
  enums: [],
  dependencies: [],
});

describe('DescriptorRegistry', () => {
  it('gives two apps in one process separate registries: a type of one is unknown to the other', () => {
    const billingApp = new DescriptorRegistry([billing]);
    const chatApp = new DescriptorRegistry([chat]);

    expect(billingApp.message('billing.Invoice').fullName).toBe('billing.Invoice');
    expect(chatApp.message('chat.Message').fullName).toBe('chat.Message');
    expect(billingApp.hasMessage('chat.Message')).toBe(false);
    expect(chatApp.hasMessage('billing.Invoice')).toBe(false);
    expect(() => chatApp.message('billing.Invoice')).toThrow(
      'message type billing.Invoice is not known to this app',
    );
    expect(() => chatApp.enum('common.Currency')).toThrow(
      'enum type common.Currency is not known to this app',
    );
  });

  it('knows the types of the files a set imports, transitively', () => {
    const registry = new DescriptorRegistry([billing]);
    expect(registry.hasMessage('common.Money')).toBe(true);
    expect(registry.enumPlan('common.Currency').defaultName).toBe('CURRENCY_UNSPECIFIED');
  });

  it('builds its own plans, so one app never reads plans another app computed', () => {
    const first = new DescriptorRegistry([billing]);
    const second = new DescriptorRegistry([billing]);
    expect(first.messagePlan('billing.Invoice')).not.toBe(second.messagePlan('billing.Invoice'));
    expect(first.messagePlan('billing.Invoice')).toBe(first.messagePlan('billing.Invoice'));
  });

  it('leaves the generated sets frozen, so no holder can change what another app sees', () => {
    const set: DescriptorSet = billing;
    expect(Object.isFrozen(set)).toBe(true);
    expect(Object.isFrozen(set.messages)).toBe(true);
    expect(Object.isFrozen(set.messages[0].fields[0])).toBe(true);
    expect(() => (set.messages as unknown[]).push({ fullName: 'x', fields: [] })).toThrow(
      TypeError,
    );
  });
});

describe('validatorOf', () => {
  it("returns a message's generated validator, and one that finds nothing without rules", () => {
    expect(validatorOf(billing, 'billing.Invoice')({})).toEqual([
      { field: 'total', description: 'value is required', rule: 'required' },
    ]);
    expect(validatorOf(common, 'common.Money')({})).toEqual([]);
  });

  it('fails naming the set when it does not describe the message', () => {
    expect(() => validatorOf(common, 'billing.Invoice')).toThrow(
      'common/common.proto describes no message billing.Invoice',
    );
  });
});
