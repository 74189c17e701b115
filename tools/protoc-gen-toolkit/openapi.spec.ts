import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';
import { GOLDEN_DIR } from './generate-testdata';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every committed OpenAPI document: the services' (src/gen) and the generator's golden. */
function committedDocuments(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.openapi.json')) found.push(child);
    }
  };
  walk(path.join(ROOT, 'src', 'gen'));
  walk(GOLDEN_DIR);
  return found.sort();
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Document = Parameters<typeof validate>[0];

function load(relative: string): Json {
  return JSON.parse(fs.readFileSync(path.join(ROOT, relative), 'utf8')) as Json;
}

const gateway = () => load('src/gen/apigateway/ApiGateway.openapi.json');
const users = () => load('src/gen/userservice/UserService.openapi.json');
const everything = () => load('tools/protoc-gen-toolkit/__golden__/Everything.openapi.json');

describe('generated OpenAPI documents', () => {
  const documents = committedDocuments();

  it('exist for every HTTP service', () => {
    expect(documents.map((file) => path.basename(file)).sort()).toEqual([
      'ApiGateway.openapi.json',
      'ChatService.openapi.json',
      'Everything.openapi.json',
      'NotificationService.openapi.json',
      'UserService.openapi.json',
    ]);
  });

  it.each(documents.map((file) => [path.relative(ROOT, file)]))(
    '%s is a valid OpenAPI 3.1 document',
    async (file) => {
      const document = load(file);
      expect(document.openapi).toBe('3.1.0');
      const result = await validate(document as Document);
      if (!result.valid) throw new Error(compileErrors(result));
      expect(result.valid).toBe(true);
    },
  );

  it('the validator rejects a broken document (the check above can fail)', async () => {
    const broken = gateway();
    broken.paths['/api/v1/users'].post.responses['200'] = { content: {} }; // no description
    delete broken.info;
    const result = await validate(broken as Document);
    expect(result.valid).toBe(false);
  });

  it("the gateway's document has its plain HTTP routes, not its WebSocket ones", () => {
    const paths = gateway().paths as Json;
    expect(Object.keys(paths)).toContain('/api/v1/users');
    expect(Object.keys(paths['/api/v1/users']).sort()).toEqual(['get', 'post']);
    expect(paths['/api/v1/users/{user_id}'].get.operationId).toBe('GetUser');
    expect(paths['/api/v1/chat/rooms/{room_id}/join']).toBeUndefined();
    expect(paths['/api/v1/ws']).toBeUndefined();
  });

  it('puts bearer security exactly on the routes behind auth', () => {
    const paths = gateway().paths as Json;
    expect(paths['/api/v1/users'].post.security).toBeUndefined(); // CreateUser excludes auth
    expect(paths['/health'].get.security).toBeUndefined();
    expect(paths['/api/v1/users/{user_id}'].get.security).toEqual([{ bearer: [] }]);
    expect(paths['/api/v1/users'].get.responses['403']).toEqual({
      $ref: '#/components/responses/PermissionDenied',
    });
    expect(gateway().components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    // The user service's own HTTP API has no auth middleware.
    expect(users().components.securitySchemes).toBeUndefined();
  });

  it('describes the error body on every error status', () => {
    const document = gateway();
    const operation = document.paths['/api/v1/users/{user_id}'].get;
    expect(Object.keys(operation.responses)).toEqual([
      '200',
      '400',
      '401',
      '429',
      '500',
      '503',
      '504',
      'default',
    ]);
    for (const [status, response] of Object.entries(operation.responses as Json)) {
      if (status === '200') continue;
      const name = (response as Json).$ref.split('/').pop();
      expect(document.components.responses[name].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/ToolkitError',
      });
    }
    expect(document.components.schemas.ToolkitError.required).toEqual([
      'code',
      'status',
      'message',
      'details',
    ]);
  });

  it('writes validate.rules as JSON Schema constraints', () => {
    const schemas = users().components.schemas as Json;
    expect(schemas['userservice.CreateUserRequest'].properties).toEqual({
      name: { type: 'string', minLength: 1, maxLength: 100 },
      email: {
        type: 'string',
        pattern: '^[^@]+@[^@]+\\.[^@]+$',
        maxLength: 254,
        description: 'At most 254 characters (RFC 5321 path limit); unique case-insensitively.',
      },
    });
    const listUsers = users().paths['/users'].get.parameters as Json[];
    expect(listUsers.find((p) => p.name === 'limit')?.schema).toEqual({
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 100,
    });
    const getUser = users().paths['/users/{user_id}'].get.parameters as Json[];
    expect(getUser).toEqual([
      { name: 'user_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    ]);
    const send = load('src/gen/notificationservice/NotificationService.openapi.json').components
      .schemas['notificationservice.SendNotificationRequest'].properties;
    expect(send.type.enum).toEqual(['email', 'sms', 'push']);
    const numbers = everything().components.schemas['everything.Numbers'].properties;
    expect(numbers.fixed32_gte_lt).toMatchObject({ minimum: 1, exclusiveMaximum: 5 });
    expect(numbers.double_gte_lt.anyOf[0]).toMatchObject({
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
    });
    expect(numbers.sfixed32_ignore_empty).toMatchObject({
      anyOf: [{ const: 0 }, { type: 'integer', exclusiveMinimum: 5 }],
    });
    const enums = everything().components.schemas['everything.Enums'].properties;
    expect(enums.in_colors.enum).toHaveLength(2);
  });

  it('uses protojson names and types: snake_case, Timestamp as date-time, int64 as string, enums by name', () => {
    const user = users().components.schemas['userservice.User'].properties;
    expect(Object.keys(user)).toEqual(['user_id', 'name', 'email', 'created_at', 'updated_at']);
    // Unset message fields are written as null.
    expect(user.created_at).toEqual({ type: ['string', 'null'], format: 'date-time' });
    const schemas = everything().components.schemas;
    const int64 = Object.values(schemas['everything.Numbers'].properties as Json).find(
      (schema) => schema.format === 'int64',
    );
    expect(int64).toMatchObject({ type: 'string', pattern: '^-?[0-9]+$' });
    expect(schemas['everything.Color']).toMatchObject({ type: 'string' });
    expect(schemas['everything.Color'].enum).toContain('COLOR_UNSPECIFIED');
  });

  it('maps body "*", body "<field>", response_body and path parameters as transcoding does', () => {
    const paths = everything().paths;
    // body "*" with a path parameter: the body is the message without the bound field.
    const put = paths['/v1/numbers/{int32_const}'].put;
    const putBody = put.requestBody.content['application/json'].schema;
    expect(putBody.properties.int32_const).toBeUndefined();
    expect(putBody.properties.int32_lt).toBeDefined();
    expect(put.parameters.map((p: Json) => p.in)).toEqual(['path']);
    // body "email": the body is that field's value, the other fields are query parameters.
    const patch = paths['/v1/strings/{uuid}'].patch;
    expect(patch.requestBody.content['application/json'].schema).toMatchObject({
      type: 'string',
      format: 'email',
    });
    const query = patch.parameters.filter((p: Json) => p.in === 'query').map((p: Json) => p.name);
    expect(query).not.toContain('email');
    expect(query).not.toContain('uuid');
    expect(query).toContain('pattern');
    // response_body "inner": the 200 body is that field.
    expect(patch.responses['200'].content['application/json'].schema).toMatchObject({
      anyOf: [{ $ref: '#/components/schemas/everything.GetInner' }, { type: 'null' }],
    });
    // Nested and segment-pattern path variables.
    const get = paths['/v1/things/{id}/{inner.id}/{name}'].get;
    expect(get.parameters.map((p: Json) => `${p.in}:${p.name}`)).toEqual([
      'path:id',
      'path:inner.id',
      'path:name',
    ]);
  });
});
