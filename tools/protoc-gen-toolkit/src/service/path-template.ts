import {
  parsePathTemplate as parseTemplate,
  PathTemplate,
  PathTemplateError,
} from '../../../../src/toolkit/transport/path-template';

/**
 * Parses a google.api.http path template with the runtime's own parser (one grammar for both):
 * `/users/{user_id}` → variables [`user_id`], `/v1/{name=shelves/*}/books/{book.id}` → [`name`,
 * `book.id`]. Returns an error message instead when the template is malformed.
 */
export function parsePathTemplate(
  template: string,
): { template: PathTemplate } | { error: string } {
  try {
    return { template: parseTemplate(template) };
  } catch (error) {
    if (error instanceof PathTemplateError) return { error: error.message };
    throw error;
  }
}
