export * from './string-length';
export * from './pattern';
export * from './formats';
export * from './field-path';
export * from './bytes';
export * from './nul-characters';
export * from './socket-frame';
