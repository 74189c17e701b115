#!/usr/bin/python3
"""gRPC interop client for user-service, on gRPC's C core (Debian's python3-grpcio).

It is an independent implementation checking the toolkit's gRPC server from the outside. The
message types come from the repository's own .proto files (and the upstream google.rpc, health
and reflection protos), compiled at run time by Debian's protoc into a FileDescriptorSet in a
temporary directory; the classes are built from that set with python3-protobuf's message
factory. Nothing generated is written to the repository.

The client does not judge: each check makes its calls and prints what it saw (codes, details,
metadata, decoded grpc-status-details-bin, responses) as one JSON document on stdout, and the
jest suite (test/interop/grpc-interop.e2e-spec.ts) holds the expectations.

Usage: grpc_interop_client.py --target HOST:PORT --repo REPO_ROOT [--checks a,b] [--user-id ID]
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import traceback
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

PROTO_FILES = [
    "userservice/user-service.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1alpha/reflection.proto",
    "grpc/reflection/v1/reflection.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
]

STATUS_DETAILS_KEY = "grpc-status-details-bin"
BAD_REQUEST_TYPE_URL = "type.googleapis.com/google.rpc.BadRequest"
USER_SERVICE = "userservice.UserService"


class Messages:
    """Message classes by full name, from a FileDescriptorSet compiled by protoc."""

    def __init__(self, repo):
        modules = os.path.join(repo, "node_modules")
        includes = [
            os.path.join(repo, "proto"),
            os.path.join(modules, "google-proto-files"),
            os.path.join(modules, "@grpc", "reflection", "build", "proto"),
        ]
        with tempfile.TemporaryDirectory(prefix="grpc-interop-") as directory:
            out = os.path.join(directory, "set.pb")
            subprocess.run(
                ["protoc", *[f"-I{path}" for path in includes], "--include_imports",
                 f"--descriptor_set_out={out}", *PROTO_FILES],
                check=True,
            )
            with open(out, "rb") as handle:
                files = descriptor_pb2.FileDescriptorSet.FromString(handle.read())
        # A pool of its own: the set carries google/protobuf/*.proto as the include path has them,
        # which need not match the copies built into python3-protobuf's default pool.
        self.pool = descriptor_pool.DescriptorPool()
        for file in files.file:
            self.pool.Add(file)
        self.factory = message_factory.MessageFactory(self.pool)

    def __getitem__(self, full_name):
        descriptor = self.pool.FindMessageTypeByName(full_name)
        # GetMessageClass replaced GetPrototype in protobuf 4.22; Debian bookworm has 4.21.
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(descriptor)
        return self.factory.GetPrototype(descriptor)


def to_json(message):
    """A response as protobuf JSON with proto field names, zero values included."""
    try:
        return json_format.MessageToDict(
            message, preserving_proto_field_name=True, including_default_value_fields=True
        )
    except TypeError:  # protobuf >= 5.26 renamed the option
        return json_format.MessageToDict(
            message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
        )


def metadata_pairs(metadata):
    """Metadata as [key, value] pairs; binary values as {"base64": ...} (for the report)."""
    pairs = []
    for key, value in metadata or ():
        if isinstance(value, bytes):
            value = {"base64": base64.b64encode(value).decode("ascii")}
        pairs.append([key, value])
    return pairs


def first(metadata, key):
    for name, value in metadata or ():
        if name == key:
            return value
    return None


class Client:
    def __init__(self, target, messages):
        self.channel = grpc.insecure_channel(target)
        self.messages = messages

    def close(self):
        self.channel.close()

    def decode_status_details(self, raw):
        """grpc-status-details-bin as google.rpc.Status, BadRequest details unpacked."""
        status = self.messages["google.rpc.Status"].FromString(raw)
        details = []
        for any_detail in status.details:
            detail = {"type_url": any_detail.type_url}
            if any_detail.type_url == BAD_REQUEST_TYPE_URL:
                bad_request = self.messages["google.rpc.BadRequest"].FromString(any_detail.value)
                detail["field_violations"] = [
                    {"field": violation.field, "description": violation.description}
                    for violation in bad_request.field_violations
                ]
            details.append(detail)
        return {"code": status.code, "message": status.message, "details": details}

    def unary(self, path, request_type, response_type, request, metadata=None, timeout=None,
              raw_request=None):
        """One unary call; the outcome as a JSON-able dict, whatever happened."""
        if raw_request is not None:
            serializer = lambda _ignored: raw_request  # noqa: E731 (bytes sent as they are)
            message = None
        else:
            serializer = lambda message: message.SerializeToString()  # noqa: E731
            message = json_format.ParseDict(request or {}, self.messages[request_type]())
        call = self.channel.unary_unary(
            path,
            request_serializer=serializer,
            response_deserializer=self.messages[response_type].FromString,
        )
        try:
            response, rpc = call.with_call(message, metadata=metadata, timeout=timeout)
            return {
                "code": rpc.code().name,
                "response": to_json(response),
                "initial_metadata": metadata_pairs(rpc.initial_metadata()),
                "trailing_metadata": metadata_pairs(rpc.trailing_metadata()),
            }
        except grpc.RpcError as error:
            trailing = error.trailing_metadata()
            raw_details = first(trailing, STATUS_DETAILS_KEY)
            outcome = {
                "code": error.code().name,
                "details": error.details(),
                "initial_metadata": metadata_pairs(error.initial_metadata()),
                "trailing_metadata": metadata_pairs(trailing),
                "status_details": None,
            }
            if raw_details is not None:
                try:
                    outcome["status_details"] = self.decode_status_details(raw_details)
                except Exception as decode_error:  # a malformed trailer is a finding, not a crash
                    outcome["status_details"] = {"undecodable": repr(decode_error)}
            return outcome

    def user(self, method, request, **options):
        return self.unary(
            f"/{USER_SERVICE}/{method}",
            f"userservice.{method}Request",
            f"userservice.{method}Response",
            request,
            **options,
        )

    def health(self, service):
        return self.unary(
            "/grpc.health.v1.Health/Check",
            "grpc.health.v1.HealthCheckRequest",
            "grpc.health.v1.HealthCheckResponse",
            {"service": service},
        )

    def health_watch_first(self, service):
        """The first answer of a Watch stream (which stays open), then the stream is cancelled."""
        call = self.channel.unary_stream(
            "/grpc.health.v1.Health/Watch",
            request_serializer=lambda message: message.SerializeToString(),
            response_deserializer=self.messages["grpc.health.v1.HealthCheckResponse"].FromString,
        )
        request = json_format.ParseDict(
            {"service": service}, self.messages["grpc.health.v1.HealthCheckRequest"]()
        )
        responses = call(request, timeout=10)
        try:
            return {"code": "OK", "response": to_json(next(responses))}
        except grpc.RpcError as error:
            return {"code": error.code().name, "details": error.details()}
        finally:
            responses.cancel()

    def reflection(self, package, requests):
        """ServerReflectionInfo: one request per entry, answers in order."""
        request_class = self.messages[f"{package}.ServerReflectionRequest"]
        response_class = self.messages[f"{package}.ServerReflectionResponse"]
        call = self.channel.stream_stream(
            f"/{package}.ServerReflection/ServerReflectionInfo",
            request_serializer=lambda message: message.SerializeToString(),
            response_deserializer=response_class.FromString,
        )
        answers = []
        for response in call(iter([json_format.ParseDict(r, request_class()) for r in requests]),
                             timeout=10):
            kind = response.WhichOneof("message_response")
            answer = {"kind": kind}
            if kind == "list_services_response":
                answer["services"] = sorted(s.name for s in response.list_services_response.service)
            elif kind == "file_descriptor_response":
                files = []
                for raw in response.file_descriptor_response.file_descriptor_proto:
                    file = descriptor_pb2.FileDescriptorProto.FromString(raw)
                    files.append({
                        "name": file.name,
                        "package": file.package,
                        "services": {
                            service.name: [method.name for method in service.method]
                            for service in file.service
                        },
                    })
                answer["files"] = files
            elif kind == "error_response":
                answer["error_code"] = response.error_response.error_code
            answers.append(answer)
        return answers


def unique_email(label):
    return f"interop-{label}-{uuid.uuid4().hex[:12]}@example.com"


# Each check returns what it observed; the jest suite asserts on it.


def check_crud(client):
    email = unique_email("crud")
    name = f"Interop {uuid.uuid4().hex[:8]}"
    created = client.user("CreateUser", {"name": name, "email": email})
    user_id = created.get("response", {}).get("user_id", "")
    fetched = client.user("GetUser", {"user_id": user_id})
    # Upper case: UUIDs are valid in either case and name the same user.
    fetched_upper = client.user("GetUser", {"user_id": user_id.upper()})
    renamed = client.user("UpdateUser", {"user_id": user_id, "name": f"{name} Renamed"})
    listed = client.user("ListUsers", {"limit": 10, "offset": 0, "search": name})
    deleted = client.user("DeleteUser", {"user_id": user_id})
    after_delete = client.user("GetUser", {"user_id": user_id})
    return {
        "email": email,
        "name": name,
        "create": created,
        "get": fetched,
        "get_upper_case_id": fetched_upper,
        "update": renamed,
        "list": listed,
        "delete": deleted,
        "get_after_delete": after_delete,
    }


def check_invalid_argument(client):
    return {
        "create_empty_name_bad_email": client.user("CreateUser", {"name": "", "email": "nope"}),
        "create_long_name": client.user(
            "CreateUser", {"name": "x" * 101, "email": unique_email("long")}
        ),
        "get_not_uuid": client.user("GetUser", {"user_id": "not-a-uuid"}),
        "update_bad_email": client.user(
            "UpdateUser", {"user_id": str(uuid.uuid4()), "email": "no-at-sign"}
        ),
        "delete_empty_id": client.user("DeleteUser", {"user_id": ""}),
        "list_limit_zero": client.user("ListUsers", {"limit": 0, "offset": 0}),
        "list_limit_and_offset": client.user("ListUsers", {"limit": 101, "offset": -1}),
    }


def check_not_found(client):
    missing = str(uuid.uuid4())
    return {
        "missing_id": missing,
        "get": client.user("GetUser", {"user_id": missing}),
        "update": client.user("UpdateUser", {"user_id": missing, "name": "Nobody"}),
        "delete": client.user("DeleteUser", {"user_id": missing}),
    }


def check_already_exists(client):
    email = unique_email("dup")
    other_email = unique_email("other")
    first_create = client.user("CreateUser", {"name": "First", "email": email})
    second_create = client.user("CreateUser", {"name": "Second", "email": email})
    other = client.user("CreateUser", {"name": "Other", "email": other_email})
    other_id = other.get("response", {}).get("user_id", "")
    update_to_taken = client.user("UpdateUser", {"user_id": other_id, "email": email})
    # The error message carries the email: non-ASCII and '%' must survive grpc-message's
    # percent-encoding between the two implementations.
    unicode_email = f"zoë-100%-{uuid.uuid4().hex[:8]}@exämple.com"
    client.user("CreateUser", {"name": "Zoë", "email": unicode_email})
    unicode_second = client.user("CreateUser", {"name": "Zoë again", "email": unicode_email})
    return {
        "email": email,
        "first": first_create,
        "second": second_create,
        "update_to_taken_email": update_to_taken,
        "unicode_email": unicode_email,
        "unicode_second": unicode_second,
    }


def check_unimplemented(client):
    return {
        "unknown_method": client.unary(
            f"/{USER_SERVICE}/PurgeUsers", "userservice.ListUsersRequest",
            "userservice.ListUsersResponse", {},
        ),
        "unknown_service": client.unary(
            "/userservice.AdminService/ListUsers", "userservice.ListUsersRequest",
            "userservice.ListUsersResponse", {},
        ),
    }


def check_malformed(client):
    # Wire type 7 does not exist: no protobuf parser accepts this.
    invalid_wire_type = client.user("GetUser", None, raw_request=b"\x0f")
    # Field 1 (user_id, a string) announcing 100 bytes, two following: a truncated message.
    truncated = client.user("GetUser", None, raw_request=b"\x0a\x64ab")
    # The server's default receive limit is 4 MiB; the C core sends anything by default.
    oversized = client.user(
        "CreateUser", {"name": "x" * (5 * 1024 * 1024), "email": unique_email("big")}
    )
    still_serving = client.health("")
    return {
        "invalid_wire_type": invalid_wire_type,
        "truncated": truncated,
        "oversized": oversized,
        "health_after": still_serving,
    }


def check_metadata(client):
    request_id = f"interop-{uuid.uuid4().hex}"
    error_request_id = f"interop-{uuid.uuid4().hex}"
    return {
        "request_id": request_id,
        "error_request_id": error_request_id,
        "success": client.user(
            "ListUsers", {"limit": 1, "offset": 0}, metadata=[("x-request-id", request_id)]
        ),
        "error": client.user(
            "GetUser", {"user_id": "not-a-uuid"}, metadata=[("x-request-id", error_request_id)]
        ),
        # Not a sane id (a space): the service makes its own and echoes that.
        "replaced": client.user(
            "ListUsers", {"limit": 1, "offset": 0}, metadata=[("x-request-id", "has a space")]
        ),
        "absent": client.user("ListUsers", {"limit": 1, "offset": 0}),
    }


def check_deadline_expired(client):
    # A deadline already in the past: the call is over before it starts, on any machine.
    return {"expired": client.user("ListUsers", {"limit": 1, "offset": 0}, timeout=0)}


def check_deadline_blocked(client, user_id):
    # The suite holds a row lock on this user, so the UPDATE cannot finish while we wait: the
    # first call runs into the client's 300 ms deadline, the second (no client deadline) into the
    # service's REQUEST_TIMEOUT, whose DEADLINE_EXCEEDED the server sends itself.
    return {
        "client_deadline": client.user(
            "UpdateUser", {"user_id": user_id, "name": "Blocked"}, timeout=0.3
        ),
        "server_timeout": client.user(
            "UpdateUser", {"user_id": user_id, "name": "Blocked again"}, timeout=None
        ),
    }


def check_health(client):
    return {
        "server": client.health(""),
        "service": client.health(USER_SERVICE),
        "unknown": client.health("nope.Nope"),
        "watch_server": client.health_watch_first(""),
        "watch_unknown": client.health_watch_first("nope.Nope"),
    }


def check_reflection(client):
    result = {}
    for package in ("grpc.reflection.v1alpha", "grpc.reflection.v1"):
        try:
            result[package] = {
                "answers": client.reflection(
                    package,
                    [
                        {"list_services": ""},
                        {"file_containing_symbol": USER_SERVICE},
                        {"file_containing_symbol": "nope.Nope"},
                    ],
                )
            }
        except grpc.RpcError as error:
            result[package] = {"code": error.code().name, "details": error.details()}
    return result


def check_internal(client):
    # Run while the suite has renamed the users table: an unexpected failure.
    return {"list": client.user("ListUsers", {"limit": 1, "offset": 0})}


CHECKS = {
    "crud": check_crud,
    "invalid_argument": check_invalid_argument,
    "not_found": check_not_found,
    "already_exists": check_already_exists,
    "unimplemented": check_unimplemented,
    "malformed": check_malformed,
    "metadata": check_metadata,
    "deadline_expired": check_deadline_expired,
    "deadline_blocked": check_deadline_blocked,
    "health": check_health,
    "reflection": check_reflection,
    "internal": check_internal,
}
NEEDS_USER_ID = {"deadline_blocked"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--repo", required=True)
    parser.add_argument("--checks", default=",".join(n for n in CHECKS if n not in ("internal",)))
    parser.add_argument("--user-id", default="")
    args = parser.parse_args()

    import google.protobuf

    messages = Messages(args.repo)
    client = Client(args.target, messages)
    report = {
        "implementation": {
            "grpcio": grpc.__version__,
            "protobuf": google.protobuf.__version__,
            "python": sys.version.split()[0],
        },
        "checks": {},
    }
    try:
        for name in [n for n in args.checks.split(",") if n]:
            check = CHECKS[name]
            try:
                observed = check(client, args.user_id) if name in NEEDS_USER_ID else check(client)
                report["checks"][name] = {"observed": observed}
            except Exception:  # reported, so one broken check does not hide the others
                report["checks"][name] = {"error": traceback.format_exc()}
    finally:
        client.close()
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
