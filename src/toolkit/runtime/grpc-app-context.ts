import { ServerInterceptingCall, ServerInterceptor } from '@grpc/grpc-js';
import { LoggerService } from '@nestjs/common';
import { runAsApp } from './toolkit-logger';

/**
 * Runs each gRPC call's handler code as the app's (`runAsApp`): grpc-js does not carry the async
 * context its server was started in into the calls, so without this their Nest `Logger` lines
 * would not know which app they belong to.
 * @internal
 */
export function grpcAppContextInterceptor(logger: LoggerService): ServerInterceptor {
  return (_method, call) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata: (metadata, nextMetadata) =>
            runAsApp(logger, () => nextMetadata(metadata)),
          onReceiveMessage: (message, nextMessage) => runAsApp(logger, () => nextMessage(message)),
          onReceiveHalfClose: (nextHalfClose) => runAsApp(logger, nextHalfClose),
        });
      },
    });
}
