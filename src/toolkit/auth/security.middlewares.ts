import { Inject, Optional, Provider, Type } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { StartupError } from '../config/startup-error';
import { FASTIFY_ROUTE_KEY } from '../constants';
import { corsConfig, CorsConfig } from '../cors/cors.config';
import { installCors } from '../cors/install-cors';
import { ToolkitMiddleware } from '../middlewares/toolkit-middleware.decorator';
import { getKeyValueStoreToken, KeyValueStore } from '../ports';
import { rateLimitConfig, RateLimitConfig } from '../rate-limit/rate-limit.config';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RateLimiter } from '../rate-limit/rate-limiter';
import type { ServiceDefinition } from '../runtime/define-service';
import { getMiddlewareConfigToken, SERVICE_DEFINITION } from '../runtime/tokens';
import { ToolkitLogger } from '../runtime/toolkit-logger';
import { RouteMetadata } from '../transport/route-metadata';
import { AdminOnlyGuard } from './admin-only.guard';
import { authConfig, AuthConfig } from './auth.config';
import { AuthGuard } from './auth.guard';
import { CallerAuthenticator } from './caller-authenticator';
import { resolveJwtVerifierOptions } from './jwt-key-source';
import { JwtVerifier } from './jwt-verifier';
import { TokenRevocationService } from './token-revocation.service';
import { ValidateTokenGuard } from './validate-token.guard';

/** The security middlewares' names, as protos spell them. @publicApi */
export const SECURITY_MIDDLEWARES = {
  auth: 'auth',
  validateToken: 'validate_token',
  adminOnly: 'admin_only',
  rateLimit: 'rate_limit',
  cors: 'cors',
} as const;

/** `validate_token` and `admin_only` authenticate by themselves, so they read the same section. */
const InjectAuthConfig = (name: string) => Inject(getMiddlewareConfigToken(name));
const InjectService = () => Inject(SERVICE_DEFINITION);
const InjectStore = () => Inject(getKeyValueStoreToken());

/**
 * Every authenticator checks the deny-list, so each guard needs the service's redis plugin
 * `cache`; a service naming a token middleware without one cannot start.
 */
function authenticator(
  config: AuthConfig,
  service: ServiceDefinition,
  cache: KeyValueStore | undefined,
): CallerAuthenticator {
  return new CallerAuthenticator(
    new JwtVerifier(resolveJwtVerifierOptions(config, service.envPrefix)),
    revocations(config, cache, service),
  );
}

function revocations(
  config: AuthConfig,
  cache: KeyValueStore | undefined,
  service: ServiceDefinition,
): TokenRevocationService {
  if (cache === undefined) {
    throw new StartupError(
      `${service.name}: auth, validate_token and admin_only read the token deny-list from a redis plugin with prefix "cache"; declare one in the proto`,
    );
  }
  return new TokenRevocationService(cache, config.JWT_CLOCK_TOLERANCE);
}

@ToolkitMiddleware({
  name: SECURITY_MIDDLEWARES.auth,
  description:
    'bearer JWT required: signed, unexpired, with jti, not revoked (401 UNAUTHENTICATED otherwise; Redis down: 503)',
  config: authConfig,
})
class AuthMiddlewareGuard extends AuthGuard {
  constructor(
    @InjectAuthConfig('auth') config: AuthConfig,
    @InjectService() service: ServiceDefinition,
    @Optional() @InjectStore() cache?: KeyValueStore,
  ) {
    super(authenticator(config, service, cache));
  }
}

@ToolkitMiddleware({
  name: SECURITY_MIDDLEWARES.validateToken,
  description: 'same checks as auth (kept for protos that name it; one verification per call)',
  config: authConfig,
})
class ValidateTokenMiddlewareGuard extends ValidateTokenGuard {
  constructor(
    @InjectAuthConfig('validate_token') config: AuthConfig,
    @InjectService() service: ServiceDefinition,
    @Optional() @InjectStore() cache?: KeyValueStore,
  ) {
    super(authenticator(config, service, cache));
  }
}

@ToolkitMiddleware({
  name: SECURITY_MIDDLEWARES.adminOnly,
  description: 'token roles claim must contain admin (403 PERMISSION_DENIED otherwise)',
  config: authConfig,
})
class AdminOnlyMiddlewareGuard extends AdminOnlyGuard {
  constructor(
    @InjectAuthConfig('admin_only') config: AuthConfig,
    @InjectService() service: ServiceDefinition,
    @Optional() @InjectStore() cache?: KeyValueStore,
  ) {
    super(authenticator(config, service, cache));
  }
}

@ToolkitMiddleware({
  name: SECURITY_MIDDLEWARES.rateLimit,
  description:
    'per-caller request budget in Redis, RateLimit-* headers, 429 (Redis down: let through)',
  config: rateLimitConfig,
})
class RateLimitMiddlewareGuard extends RateLimitGuard {
  constructor(
    @Inject(getMiddlewareConfigToken('rate_limit')) config: RateLimitConfig,
    @InjectStore() cache: KeyValueStore,
    @InjectService() service: ServiceDefinition,
    logger: ToolkitLogger,
    @Optional() @InjectAuthConfig('auth') auth?: AuthConfig,
  ) {
    super(
      new RateLimiter(cache, {
        enabled: config.ENABLED,
        limit: config.REQUESTS,
        windowMs: config.WINDOW,
      }),
      auth === undefined ? undefined : authenticator(auth, service, cache),
      logger.forContext('RateLimit'),
    );
  }
}

/**
 * Provides `TokenRevocationService` (for a revoke route) in a service that uses `validate_token`:
 * add it to the service module's providers.
 * @publicApi
 */
export const tokenRevocationProvider: Provider = {
  provide: TokenRevocationService,
  useFactory: revocations,
  inject: [getMiddlewareConfigToken('validate_token'), getKeyValueStoreToken(), SERVICE_DEFINITION],
};

/** CORS has no per-route step: its Fastify hooks answer preflights before routing. */
@ToolkitMiddleware({
  name: SECURITY_MIDDLEWARES.cors,
  description: 'CORS allow-list; preflights answered before routing',
  config: corsConfig,
  installHttp(fastify, context) {
    const methods = new Set(context.methods.map((method) => method.name));
    installCors(fastify, context.config as CorsConfig, {
      skip: (request: FastifyRequest) => {
        const method = routeMethodName(request);
        return method !== undefined && !methods.has(method);
      },
    });
  },
})
class CorsMiddleware {}

/** The security middlewares' providers; the toolkit's core module provides those a service uses. @internal */
export const SECURITY_MIDDLEWARE_PROVIDERS: readonly Type<unknown>[] = [
  AuthMiddlewareGuard,
  ValidateTokenMiddlewareGuard,
  AdminOnlyMiddlewareGuard,
  RateLimitMiddlewareGuard,
  CorsMiddleware,
];

/** The proto method a Fastify route serves, from the `RouteMetadata` `ToolkitRpc` puts in its config. */
function routeMethodName(request: FastifyRequest): string | undefined {
  const config: unknown = request.routeOptions.config;
  if (typeof config !== 'object' || config === null || !(FASTIFY_ROUTE_KEY in config))
    return undefined;
  const route = config[FASTIFY_ROUTE_KEY] as RouteMetadata | undefined;
  return route?.method.name;
}
