// The request worker module when the server runs from its TypeScript sources: worker threads
// do not inherit tsx's loader on Node 20 (neither from `register()` nor from `--import`), so it
// is registered here before the tasks are loaded. Compiled servers load request-tasks.js.
import { register } from 'tsx/esm/api';

register();
const tasks = await import('./request-tasks.ts');

export const { warmUp, parseJsonBody, checkAndQuote, compileValidator, decodeFile, sniffFile } = tasks;
