import { Inject } from '@nestjs/common';

/** The app's `ServiceDefinition`. @publicApi */
export const SERVICE_DEFINITION = Symbol('toolkit:service-definition');
/** The app's `RuntimeConfig` (ports, REQUEST_TIMEOUT, log level...). @publicApi */
export const RUNTIME_CONFIG = Symbol('toolkit:runtime-config');
/** Values of the service's `settings` section. @publicApi */
export const SERVICE_SETTINGS = Symbol('toolkit:service-settings');
/** The process's `DeploymentMode` (production, allowEmbedded). @publicApi */
export const DEPLOYMENT_MODE = Symbol('toolkit:deployment-mode');
/** The app's `HealthState`. @publicApi */
export const HEALTH_STATE = Symbol('toolkit:health-state');
/** The app's `ToolkitMetrics` (its prom-client registry is `.registry`). @publicApi */
export const TOOLKIT_METRICS = Symbol('toolkit:metrics');

/** Injects the service's settings: type it as `ConfigValues<typeof settings.fields>`. @publicApi */
export const InjectServiceSettings = (): ParameterDecorator => Inject(SERVICE_SETTINGS);
/** Injects the `RuntimeConfig`. @publicApi */
export const InjectRuntimeConfig = (): ParameterDecorator => Inject(RUNTIME_CONFIG);

/** Injects the `DeploymentMode`, for services that fall back to embedded backends. @publicApi */
export const InjectDeploymentMode = (): ParameterDecorator => Inject(DEPLOYMENT_MODE);

/** Token under which a middleware's config values are provided, e.g. for its guard. @publicApi */
export function getMiddlewareConfigToken(name: string): string {
  return `toolkit:middleware-config:${name}`;
}
