import { UserEntity } from './user.entity';
import { toUserMessage } from './user.message-mapper';
import { escapeLikePattern } from './user.repository';

describe('user message mapping', () => {
  it('maps a stored user onto the User message', () => {
    const created = new Date('2025-01-02T03:04:05Z');
    const stored = Object.assign(new UserEntity(), {
      id: 'id-1',
      name: 'Ann',
      email: 'ann@example.com',
      createdAt: created,
      updatedAt: created,
    });
    expect(toUserMessage(stored)).toEqual({
      user_id: 'id-1',
      name: 'Ann',
      email: 'ann@example.com',
      created_at: { seconds: '1735787045', nanos: 0 },
      updated_at: { seconds: '1735787045', nanos: 0 },
    });
  });
});

describe('escapeLikePattern', () => {
  it('makes %, _ and backslash match literally', () => {
    expect(escapeLikePattern('50%_off\\now')).toBe('50\\%\\_off\\\\now');
    expect(escapeLikePattern('plain')).toBe('plain');
  });
});
