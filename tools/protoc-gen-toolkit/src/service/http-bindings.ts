import type { HttpRuleModel, MethodModel } from './service-model';

/**
 * Every HTTP binding a method is served on, in declaration order. Emitters that describe routes
 * (the OpenAPI document) go through this one function, so that a richer route model (additional
 * bindings, custom verbs) only changes what it returns.
 */
export function httpBindings(method: MethodModel): readonly HttpRuleModel[] {
  return method.http ? [method.http] : [];
}
