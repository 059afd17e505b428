import { withoutHostPaths } from '../engine-failure.ts';
import type { JobError } from '../engine.ts';

/**
 * Failure signs of `boltz predict` → job `error` (spec/ENGINE.md §7). Boltz processes inputs
 * before predicting and reports a bad input as "Failed to process <file>. Skipping. Error:
 * <reason>." (sometimes still exiting 0), or dies with a Python traceback whose last line names
 * the exception. Messages reach API clients, so host paths are stripped.
 */
export interface ProcessResult {
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** The tail of stdout and stderr, interleaved. */
  log: string;
}

const MSA_SIGNS = /mmseqs2|msa server|msa_server|colabfold|too many requests|rate limit/i;
const OUT_OF_MEMORY = /out of memory|OutOfMemoryError/i;
const SKIPPED_INPUT = /Failed to process .*?\. Skipping\. Error: (.*?)\.?\s*$/m;
// Parse errors: the exception types Boltz's YAML/SMILES/CCD/constraint parsing raises.
const PARSE_ERROR = /^(?:[\w.]+\.)?(?:ValueError|KeyError|ScannerError|ParserError|ComposerError|ConstructorError|FileNotFoundError): (.+)$/;
const NOISE = /^(\s*File "|\s*\^+\s*$|Traceback \(most recent call last\)|\s*$|.*\d+%\|)/;

function lines(log: string): string[] {
  return log.split(/\r?\n|\r/).map((l) => l.trimEnd());
}

function clean(message: string): string {
  return withoutHostPaths(message).trim().slice(0, 500);
}

export function classifyFailure(result: ProcessResult, timeoutMs: number): JobError | undefined {
  if (result.timedOut) {
    const limit = timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} minutes` : `${Math.round(timeoutMs / 1000)} seconds`;
    return { code: 'timeout', message: `The prediction exceeded the engine's time limit of ${limit}.` };
  }
  if (result.aborted) return { code: 'timeout', message: 'The prediction was stopped before it finished.' };

  const skipped = SKIPPED_INPUT.exec(result.log)?.[1];
  if (result.exitCode === 0 && skipped === undefined) return undefined;

  const all = lines(result.log);
  const meaningful = all.filter((l) => !NOISE.test(l));
  if (MSA_SIGNS.test(skipped ?? '') || (skipped === undefined && meaningful.some((l) => MSA_SIGNS.test(l)))) {
    const line = skipped ?? [...meaningful].reverse().find((l) => MSA_SIGNS.test(l)) ?? '';
    return { code: 'msa_generation_failed', message: clean(`MSA generation failed: ${line}`) };
  }
  if (skipped !== undefined) return { code: 'validation_error', message: clean(skipped) };
  if (meaningful.some((l) => OUT_OF_MEMORY.test(l))) {
    return { code: 'out_of_memory', message: 'The GPU ran out of memory; try fewer samples or a smaller complex.' };
  }
  const parseError = [...meaningful].reverse().map((l) => PARSE_ERROR.exec(l.trim())).find(Boolean);
  if (parseError) return { code: 'validation_error', message: clean(parseError[1]) };
  const last = meaningful[meaningful.length - 1];
  return {
    code: 'engine_failed',
    message: clean(last ? `The engine failed (exit code ${result.exitCode}): ${last}` : `The engine failed (exit code ${result.exitCode}).`),
  };
}
