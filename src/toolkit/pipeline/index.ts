export { CallContext, callContextOf } from './call-context';
export { Call } from './handler-arguments';
