export * from './ids.ts';
export * from './api-keys.ts';
export * from './jobs.ts';
export * from './random.ts';
export * from './shared-bytes.ts';
