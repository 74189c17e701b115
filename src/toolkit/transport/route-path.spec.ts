import { toFastifyRoutePath } from './route-path';

describe('toFastifyRoutePath', () => {
  it('turns {field} into :field and keeps the field path', () => {
    expect(toFastifyRoutePath('/users/{user_id}')).toEqual({
      path: '/users/:user_id',
      params: { user_id: 'user_id' },
    });
  });

  it('maps nested field paths and trailing ** wildcards', () => {
    expect(toFastifyRoutePath('/v1/{book.shelf_id}/books/{book.id=*}')).toEqual({
      path: '/v1/:book__shelf_id/books/:book__id',
      params: { book__shelf_id: 'book.shelf_id', book__id: 'book.id' },
    });
    expect(toFastifyRoutePath('/files/{path=**}')).toEqual({
      path: '/files/*',
      params: { '*': 'path' },
    });
  });

  it('escapes literal colons of custom verbs', () => {
    expect(toFastifyRoutePath('/v1/things/{id}:cancel').path).toBe('/v1/things/:id::cancel');
  });

  it('refuses templates the router cannot express', () => {
    expect(() => toFastifyRoutePath('/v1/{name=shelves/*}')).toThrow(/not supported/);
    expect(() => toFastifyRoutePath('/v1/{path=**}/tail')).toThrow(/last segment/);
    expect(() => toFastifyRoutePath('/v1/{id')).toThrow(/unclosed/);
  });
});
