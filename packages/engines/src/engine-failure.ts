import type { JobError } from './engine.ts';

/**
 * A failure that becomes the job's `error` (spec/API.md §7.2, spec/ENGINE.md §7). Engines throw
 * it from deep inside request building or output reading; `run()` turns it into a failed outcome.
 */
export class EngineFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }

  toJobError(): JobError {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** Engine messages reach API clients: absolute host paths are reduced to their last component. */
export function withoutHostPaths(message: string): string {
  // A path starts a word: `and/or` and `1/1` are not paths.
  return message.replace(/(?<![\w.~-])(?:\/[^\s/'"`:,;()[\]]+)+\/?/g, (path) => path.replace(/\/$/, '').split('/').pop() ?? '');
}
