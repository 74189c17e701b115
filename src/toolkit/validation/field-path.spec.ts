import { fieldPath, indexPath, keyPath, violation } from './field-path';

describe('field paths', () => {
  it('builds proto-name paths for nested, repeated and map fields', () => {
    expect(fieldPath('', 'name')).toBe('name');
    expect(fieldPath('preferences', 'muted_types')).toBe('preferences.muted_types');
    expect(indexPath(fieldPath('preferences', 'muted_types'), 0)).toBe(
      'preferences.muted_types[0]',
    );
    expect(keyPath('metadata', 'k')).toBe('metadata["k"]');
    expect(keyPath('metadata', 'a"]b')).toBe('metadata["a\\"]b"]');
  });

  it('builds a field violation', () => {
    expect(
      violation('name', 'string.min_len', 'value length must be at least 1 characters'),
    ).toEqual({
      field: 'name',
      rule: 'string.min_len',
      description: 'value length must be at least 1 characters',
    });
  });
});
