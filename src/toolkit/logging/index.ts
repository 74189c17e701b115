export * from './throttled-warnings';
