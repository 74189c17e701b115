export * from './key-value-store';
