import { DynamicModule, Module, Type } from '@nestjs/common';
import { SECURITY_MIDDLEWARE_PROVIDERS } from '../auth/security.middlewares';
import { LoggingMiddleware, RequestIdMiddleware } from '../middlewares';

/** The toolkit's own middlewares; `ToolkitCoreModule` provides those a service uses. @internal */
export const TOOLKIT_MIDDLEWARE_PROVIDERS: readonly Type<unknown>[] = [
  RequestIdMiddleware,
  LoggingMiddleware,
  ...SECURITY_MIDDLEWARE_PROVIDERS,
];

/** Stands for the toolkit's part of every app's module tree when its middlewares are scanned. */
@Module({})
class ToolkitMiddlewaresModule {}

/** The module the middleware registry of every app scans first. @internal */
export const TOOLKIT_MIDDLEWARES_MODULE: DynamicModule = {
  module: ToolkitMiddlewaresModule,
  providers: [...TOOLKIT_MIDDLEWARE_PROVIDERS],
};
