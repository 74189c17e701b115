import { orderConfirmation, welcomeNotification } from './event-notifications';
import { InvalidEventError, parseOrderCompleted, parseUserEvent } from './event-payloads';

const USER = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11';

describe('event payloads', () => {
  it('reads user events, lower-casing the id and ignoring extra fields', () => {
    expect(
      parseUserEvent('user.created', {
        type: 'user.created',
        user_id: USER,
        name: 'Ann',
        email: 'ann@example.com',
        extra: 1,
      }),
    ).toEqual({ user_id: USER.toLowerCase(), name: 'Ann', email: 'ann@example.com' });
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a missing email', { user_id: USER, name: 'Ann' }],
    ['a user_id that is not a UUID', { user_id: 'u-1', name: 'Ann', email: 'a@b.c' }],
  ])('refuses a user event with %s', (_, payload) => {
    expect(() => parseUserEvent('user.created', payload)).toThrow(InvalidEventError);
  });

  it.each([
    ['a string amount', { amount: '10' }],
    ['an infinite amount', { amount: Infinity }],
    ['an empty order_id', { order_id: '' }],
    ['no currency', { currency: undefined }],
  ])('refuses order.completed with %s', (_, change) => {
    const valid = { user_id: USER, order_id: 'o-1', amount: 1, currency: 'USD' };
    expect(() => parseOrderCompleted({ ...valid, ...change })).toThrow('invalid order.completed');
  });

  it('names every problem of a refused event (class-validator constraints)', () => {
    expect(() => parseUserEvent('user.created', { user_id: 'u-1', name: '' })).toThrow(
      'invalid user.created event: user_id must be a UUID; name must be a non-empty string; email must be a non-empty string',
    );
  });

  it('copies only the declared fields (a JSON __proto__ key changes nothing)', () => {
    const payload = JSON.parse(
      `{"user_id":"${USER}","name":"Ann","email":"a@b.c","__proto__":{"polluted":true}}`,
    ) as unknown;
    const user = parseUserEvent('user.created', payload);
    expect(Object.getPrototypeOf(user)).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds the welcome email', () => {
    expect(welcomeNotification({ user_id: 'u', name: 'Ann', email: 'ann@example.com' })).toEqual({
      userId: 'u',
      channel: 'email',
      subject: 'Welcome to our platform!',
      message: 'Hi Ann, welcome to our platform!',
      metadata: { event_type: 'user_created', email: 'ann@example.com' },
    });
  });

  it.each([
    [99.5, '99.50'],
    [0.1 + 0.2, '0.30'],
    [1e6, '1000000.00'],
    [-3, '-3.00'],
  ])('formats the order amount %p as %s', (amount, text) => {
    expect(
      orderConfirmation({ user_id: 'u', order_id: '7', amount, currency: 'EUR' }),
    ).toMatchObject({
      subject: 'Order Confirmation',
      message: `Your order #7 for ${text} EUR has been completed!`,
      metadata: { event_type: 'order_completed', order_id: '7' },
    });
  });
});
