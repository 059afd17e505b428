import { readFileSync } from 'node:fs';

/** The CLI's own version, from its package.json (printed by --version, sent in User-Agent). */
export const CLI_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
