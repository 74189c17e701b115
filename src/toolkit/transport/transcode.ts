import { MethodDescriptor } from '../descriptor';
import { ToolkitError } from '../errors';
import { applyPathAndQuery, decodeJson } from '../protojson';
import { ProtoJsonError } from '../protojson/protojson-error';

/** The parts of an HTTP request transcoding reads (Fastify's parsed params, query and body). */
export interface HttpRequestParts {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Builds the request message of `method` from an HTTP request as google.api.http specifies:
 * the body (the whole message for `body: "*"`, or the named field), then path params, then the
 * query for every field not bound by the body. `routeParams` maps Fastify param names to field paths
 * (`toFastifyRoutePath`). Bad values become INVALID_ARGUMENT with the field.
 * @publicApi
 */
export function transcodeHttpRequest(
  method: MethodDescriptor,
  routeParams: Readonly<Record<string, string>>,
  request: HttpRequestParts,
): Record<string, unknown> {
  const rule = method.http;
  if (!rule) throw new Error(`${method.grpcPath} has no HTTP binding`);
  try {
    const body = request.body ?? undefined;
    const json = rule.body === '*' ? (body ?? {}) : rule.body ? bodyField(rule.body, body) : {};
    const message = decodeJson(method.requestType, json);
    const pathParams: Record<string, string> = {};
    for (const [name, value] of Object.entries(asRecord(request.params))) {
      const fieldPath = routeParams[name];
      if (fieldPath !== undefined && typeof value === 'string') pathParams[fieldPath] = value;
    }
    applyPathAndQuery(
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
