import { NotificationServiceTypes } from '../../gen/notificationservice/notification-service.toolkit';
import { DescriptorRegistry } from '../descriptor';
import { NUL_RULE, nulViolations } from './nul-characters';

const types = new DescriptorRegistry([NotificationServiceTypes]);

describe('nulViolations (the toolkit-wide NUL rule)', () => {
  it('finds NUL in fields, map keys and values, and nested repeated strings', () => {
    expect(
      nulViolations(types, 'notificationservice.SendNotificationRequest', {
        user_id: 'a\0b',
        subject: 'fine',
        metadata: { 'k\0': 'v', ok: 'x\0' },
      }),
    ).toEqual([
      { field: 'user_id', rule: NUL_RULE, description: 'value must not contain a NUL character' },
      {
        field: 'metadata["k\\u0000"]',
        rule: NUL_RULE,
        description: 'map key: value must not contain a NUL character',
      },
      {
        field: 'metadata["ok"]',
        rule: NUL_RULE,
        description: 'value must not contain a NUL character',
      },
    ]);
    expect(
      nulViolations(types, 'notificationservice.UpdateNotificationPreferencesRequest', {
        user_id: 'u',
        preferences: { muted_types: ['a', 'b\0'] },
      }).map((violation) => violation.field),
    ).toEqual(['preferences.muted_types[1]']);
  });

  it('passes clean messages and walks types without a descriptor generically', () => {
    expect(
      nulViolations(types, 'notificationservice.SendNotificationRequest', {
        user_id: 'u',
        metadata: { a: 'b' },
      }),
    ).toEqual([]);
    expect(nulViolations(types, 'google.protobuf.Struct', { fields: { a: ['x', 'y\0'] } })).toEqual(
      [
        {
          field: 'fields.a[1]',
          rule: NUL_RULE,
          description: 'value must not contain a NUL character',
        },
      ],
    );
  });
});
