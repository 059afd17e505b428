export { buildApp, type BuildAppOptions, type BuiltApp } from './app.ts';
export { bootstrapIfEmpty, createAdminKey } from './bootstrap.ts';
export { loadConfig, type ServerConfig } from './config.ts';
