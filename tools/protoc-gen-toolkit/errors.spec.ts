import { generationError } from './generate-testdata';

describe('protoc-gen-toolkit errors', () => {
  const cases: [file: string, expected: string][] = [
    [
      'errors/duplicate_prefix.proto',
      'errors/duplicate_prefix.proto: service Dup: duplicate plugin prefix "cache" in (toolkit.runtime).plugins of service Dup (already declared in (toolkit.plugins))',
    ],
    [
      'errors/unknown_kind.proto',
      'errors/unknown_kind.proto: file options: (toolkit.plugins) declares plugin "store" of unknown kind "mongodb" (known kinds: postgres_gorm, redis, rabbitmq, centrifuge)',
    ],
    [
      'errors/unsupported_rule.proto',
      'errors/unsupported_rule.proto: message errors.unsupported_rule.Timeout, field after: rule (validate.rules).duration is not supported by the toolkit generator',
    ],
    [
      'errors/unsupported_string_rule.proto',
      'errors/unsupported_string_rule.proto: message errors.unsupported_string_rule.Header, field name: rule (validate.rules).string.well_known_regex is not supported by the toolkit generator',
    ],
    [
      'errors/mismatched_rule.proto',
      'errors/mismatched_rule.proto: message errors.mismatched_rule.Page, field limit: rule (validate.rules).string does not apply to a int32 value',
    ],
    [
      'errors/contradictory_numbers.proto',
      'errors/contradictory_numbers.proto: message errors.contradictory_numbers.Page, field limit: rule (validate.rules).int32.lt cannot be combined with const',
    ],
    [
      'errors/contradictory_lengths.proto',
      'errors/contradictory_lengths.proto: message errors.contradictory_lengths.Name, field value: rule (validate.rules).string.min_len is greater than max_len',
    ],
    [
      'errors/websocket_without_get.proto',
      'errors/websocket_without_get.proto: method Chat.Join: (toolkit.route).websocket needs a (google.api.http) GET binding for the upgrade request',
    ],
    [
      'errors/unknown_path_param.proto',
      'errors/unknown_path_param.proto: method Users.Get: (google.api.http) path "/users/{id}" binds "id", which is not a field of errors.unknown_path_param.GetRequest',
    ],
    [
      'errors/caller_unknown_field.proto',
      'errors/caller_unknown_field.proto: method Users.Get: (toolkit.route).caller.field "owner_id" is not a field of errors.caller_unknown_field.GetRequest',
    ],
    [
      'errors/caller_not_string.proto',
      'errors/caller_not_string.proto: method Users.Get: (toolkit.route).caller.field "user_id" is not a singular string field of errors.caller_not_string.GetRequest',
    ],
    [
      'errors/overlapping_bindings.proto',
      'errors/overlapping_bindings.proto: method Books.Get: (google.api.http) binds GET "/v1/shelves/{id}" and "/v1/{name=shelves/*}", which match the same requests',
    ],
    [
      'errors/overlapping_methods.proto',
      'errors/overlapping_methods.proto: method Books.GetShelf: (google.api.http) GET "/v1/shelves/{id}" matches the same requests as Get "/v1/{name=shelves/*}"',
    ],
    [
      'errors/bad_template.proto',
      'errors/bad_template.proto: method Files.Get: (google.api.http) path template "/v1/{path=**}/{other=**}" has more than one "**"',
    ],
    [
      'errors/multi_segment_int.proto',
      'errors/multi_segment_int.proto: method Books.Get: (google.api.http) path "/v1/{id=books/*}" binds "id", which is not a string; a variable of several segments (with "/" or "**") binds a string',
    ],
    [
      'errors/nested_additional_bindings.proto',
      'errors/nested_additional_bindings.proto: method Books.Get: (google.api.http) additional_bindings[0] has additional_bindings of its own (http.proto allows one level)',
    ],
    [
      'errors/websocket_verb.proto',
      'errors/websocket_verb.proto: method Chat.Join: (toolkit.route).websocket upgrades are served on one plain path (literal and {field} segments); "/rooms/{room}:join" is not one',
    ],
    [
      'errors/streaming_websocket.proto',
      'errors/streaming_websocket.proto: method Chat.Watch: (toolkit.route).websocket is for unary methods; a server streaming method is served as a stream on its (google.api.http) binding by itself',
    ],
    [
      'errors/streaming_response_body.proto',
      'errors/streaming_response_body.proto: method Feed.Watch: (google.api.http) response_body "text" is not supported on a server streaming method (each streamed message is sent whole)',
    ],
    [
      'errors/client_stream_path_variable.proto',
      'errors/client_stream_path_variable.proto: method Uploads.Upload: a client streaming method is served over HTTP as a WebSocket: its (google.api.http) binding must be a get on a path without variables and without a body ("GET /uploads/{upload_id}" is not)',
    ],
    [
      'errors/bidi_stream_post.proto',
      'errors/bidi_stream_post.proto: method Talk.Converse: a bidi streaming method is served over HTTP as a WebSocket: its (google.api.http) binding must be a get on a path without variables and without a body ("POST /talk" is not)',
    ],
    [
      'errors/client_stream_caller.proto',
      'errors/client_stream_caller.proto: method Uploads.Upload: (toolkit.route).caller binds one field of one request; a client streaming method has a stream of them',
    ],
    [
      'errors/bidi_stream_proxy.proto',
      'errors/bidi_stream_proxy.proto: method Gateway.Converse: (toolkit.route).http_proxy proxies unary and server streaming methods only, not a bidi streaming method',
    ],
  ];

  it.each(cases)(
    '%s fails naming the file and the option',
    (file, expected) => {
      const stderr = generationError(file);
      expect(stderr).toContain(`protoc-gen-toolkit: ${expected}`);
    },
    60000,
  );
});
