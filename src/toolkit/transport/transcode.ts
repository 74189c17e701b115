import { DescriptorRegistry, HttpRule, MethodDescriptor } from '../descriptor';
import { ToolkitError } from '../errors';
import { applyPathAndQuery, decodeJson, encodeJson } from '../protojson';
import { ProtoJsonError } from '../protojson/protojson-error';
import { decodeVariable, RawBindings } from './path-template';

/** The parts of an HTTP request transcoding reads (Fastify's parsed query and body). */
export interface HttpRequestParts {
  query: unknown;
  body: unknown;
}

/**
 * Decodes the variables a binding's template captured, as http.proto specifies (see
 * `decodeVariable`): field path → text.
 * @throws ToolkitError INVALID_ARGUMENT for malformed percent-encoding.
 * @publicApi
 */
export function decodePathVariables(raw: RawBindings): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [fieldPath, text, multiSegment] of raw) {
    try {
      values[fieldPath] = decodeVariable(text, multiSegment);
    } catch {
      throw ToolkitError.invalidArgument(
        `path parameter ${fieldPath} is not valid percent-encoding`,
        {
          violations: [
            { field: fieldPath, description: 'malformed percent-encoding in the URL path' },
          ],
        },
      );
    }
  }
  return values;
}

/**
 * Builds the request message of `method` from an HTTP request as google.api.http specifies for
 * `rule` (the binding the request matched): the body (the whole message for `body: "*"`, or the
 * named field), then the path variables (`pathParams`, field path → decoded text), then the query
 * for every field not bound by the path or the body. Bad values become INVALID_ARGUMENT with the
 * field.
 * @publicApi
 */
export function transcodeHttpRequest(
  types: DescriptorRegistry,
  method: MethodDescriptor,
  rule: HttpRule,
  pathParams: Readonly<Record<string, string>>,
  request: HttpRequestParts,
): Record<string, unknown> {
  try {
    const body = request.body ?? undefined;
    const json = rule.body === '*' ? (body ?? {}) : rule.body ? bodyField(rule.body, body) : {};
    const message = decodeJson(types, method.requestType, json);
    applyPathAndQuery(
      types,
      method.requestType,
      message,
      pathParams,
      queryValues(request.query),
      rule.body,
    );
    return message;
  } catch (error) {
    if (error instanceof ProtoJsonError) {
      const field = error.field === '' ? 'body' : error.field;
      throw ToolkitError.invalidArgument(error.message, {
        violations: [{ field, description: error.reason }],
      });
    }
    throw error;
  }
}

/**
 * The HTTP body of a response: the protojson message, or only its `response_body` field when the
 * binding names one (`null` when that field is an unset message or oneof member).
 * @publicApi
 */
export function encodeHttpResponse(
  types: DescriptorRegistry,
  method: MethodDescriptor,
  rule: HttpRule | undefined,
  response: Record<string, unknown>,
): unknown {
  const json = encodeJson(types, method.responseType, response) as Record<string, unknown>;
  const field = rule?.responseBody;
  return field === undefined ? json : (json[field] ?? null);
}

function bodyField(field: string, body: unknown): Record<string, unknown> {
  return body === undefined ? {} : { [field]: body };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function queryValues(query: unknown): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(asRecord(query))) {
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.filter((item) => typeof item === 'string');
  }
  return values;
}
