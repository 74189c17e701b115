import { CanActivate, ExecutionContext, Injectable, LoggerService, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallerAuthenticator } from '../auth/caller-authenticator';
import type { CallerIdentity } from '../auth/caller-identity';
import { ToolkitError } from '../errors/toolkit-error';
import { RateLimitDecision, RateLimiter } from './rate-limiter';

/**
 * The `rate_limit` middleware: each caller (verified token subject, else client address) gets
 * `<PREFIX>_RATE_LIMIT_REQUESTS` calls per `<PREFIX>_RATE_LIMIT_WINDOW`, counted in Redis.
 * Every HTTP answer carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
 * (draft-ietf-httpapi-ratelimit-headers); over budget → 429 RESOURCE_EXHAUSTED with `Retry-After`
 * (on gRPC the same values travel as trailing metadata).
 *
 * Redis unreachable → the call is let through and one warning is logged per outage (fail open):
 * losing rate limiting for a while is better than refusing every request because a counter is
 * down; the token checks, which do guard access, fail closed instead.
 * @publicApi
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private degraded = false;

  constructor(
    private readonly limiter: RateLimiter,
    @Optional() private readonly authenticator: CallerAuthenticator | undefined,
    /** The app's logger (`ToolkitLogger`), for the Redis-down and restored lines. */
    private readonly logger: Pick<LoggerService, 'log' | 'warn'>,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> {
    const type = context.getType<string>();
    if ((type !== 'http' && type !== 'rpc') || !this.limiter.options.enabled) {
      return Promise.resolve(true);
    }
    // A caller already verified this turn is counted at once, so the counter script leaves in the
    // same write as the deny-list read; one reaction on the store's reply, no await per step.
    const identity = this.authenticator?.identifyNow(context);
    return identity instanceof Promise
      ? identity.then((known) => this.limit(context, known))
      : this.limit(context, identity);
  }

  /** Counts the call against its caller's budget (verified subject, else client address). */
  private limit(context: ExecutionContext, identity: CallerIdentity | undefined): Promise<boolean> {
    // A token subject is only trusted once verified, so a forged `sub` cannot buy a fresh budget.
    const callerKey =
      identity !== undefined ? `sub:${identity.subject}` : `ip:${clientAddress(context)}`;
    let counted: Promise<RateLimitDecision>;
    try {
      counted = this.limiter.consume(callerKey);
    } catch (error) {
      counted = Promise.reject(error as Error);
    }
    return counted.then(
      (decision) => this.decide(context, decision),
      (error: unknown) => this.letThrough(error),
    );
  }

  private decide(context: ExecutionContext, decision: RateLimitDecision): boolean {
    if (this.degraded) this.logger.log('rate limiting restored: Redis answers again');
    this.degraded = false;
    const headers = rateLimitHeaders(decision);
    if (context.getType() === 'http') {
      context.switchToHttp().getResponse<FastifyReply>().headers(headers);
    }
    if (!decision.allowed) {
      throw ToolkitError.resourceExhausted('rate limit exceeded', {
        headers: { ...headers, 'Retry-After': String(decision.resetSeconds) },
      });
    }
    return true;
  }

  /** Redis did not answer: the call goes through, and the outage is logged once. */
  private letThrough(error: unknown): boolean {
    if (!this.degraded) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `rate limiting suspended (requests let through): Redis unavailable: ${reason}`,
      );
    }
    this.degraded = true;
    return true;
  }
}

/** @internal */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
  };
}

/** The Fastify client IP (which honours `trustProxy`), or the gRPC peer host. */
function clientAddress(context: ExecutionContext): string {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<FastifyRequest>().ip;
  const call: unknown = context.getArgByIndex(2);
  if (
    typeof call === 'object' &&
    call !== null &&
    'getPeer' in call &&
    typeof call.getPeer === 'function'
  ) {
    const peer: unknown = call.getPeer();
    if (typeof peer === 'string') return peerHost(peer);
  }
  return 'unknown';
}

/** `ipv4:127.0.0.1:5000` → `127.0.0.1`; `ipv6:[::1]:5000` → `::1`. */
function peerHost(peer: string): string {
  const address = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  if (bracketed !== null) return bracketed[1];
  const colon = address.lastIndexOf(':');
  return colon > 0 ? address.slice(0, colon) : address;
}
