import { status } from '@grpc/grpc-js';

/** gRPC status codes (google/rpc/code.proto), as grpc-js numbers them. @publicApi */
export const GrpcStatus = status;
/** @publicApi */
export type GrpcStatus = status;
