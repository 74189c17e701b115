import { Inject } from '@nestjs/common';
import { getPluginToken } from '../../toolkit/plugins';

/** The prefix the service protos declare for their redis plugin. @publicApi */
export const DEFAULT_CACHE_PREFIX = 'cache';

/** Injection token of the {@link CachePlugin} for `prefix` (`toolkit:redis:<prefix>`). @publicApi */
export function getCacheToken(prefix: string = DEFAULT_CACHE_PREFIX): string {
  return getPluginToken('redis', prefix);
}

/** Injects the {@link CachePlugin} declared under `prefix` in the service's proto. @publicApi */
export function InjectCache(
  prefix: string = DEFAULT_CACHE_PREFIX,
): ParameterDecorator & PropertyDecorator {
  return Inject(getCacheToken(prefix));
}
