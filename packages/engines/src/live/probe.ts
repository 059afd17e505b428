import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/**
 * Engine health (issue 10 §4): a live engine's executable is probed at start-up and by `/readyz`.
 * The engines are Python console scripts in their own virtualenvs (spec/PIPELINE-ENGINES.md
 * §1.1: `boltz` and `boltzgen` pin incompatible numpy versions), so the interpreter beside the
 * script knows the package version — `boltzgen --version` does not exist (addendum).
 */
export interface EngineProbe {
  /** What the engine is, e.g. `boltzgen`. */
  engine: string;
  /** The setting that names the executable, for messages (`BOLTZ_BOLTZGEN_EXECUTABLE`). */
  setting: string;
  executable: string;
  /** Job families it runs here. */
  families: string[];
  /** The executable exists and can be run; `problems` may still list a missing version or cache. */
  runnable: boolean;
  ok: boolean;
  version?: string;
  problems: string[];
}

export interface ProbeTarget {
  engine: string;
  setting: string;
  executable: string;
  families: string[];
  /** The Python package whose version to read; none for operator executables. */
  pythonPackage?: string;
  /** Files and folders that must be readable (weights cache, checkpoints, scaffolds), by what they are. */
  paths?: Record<string, string | undefined>;
  /** A known version (skips reading it from the virtualenv). */
  version?: string;
}

/** A command as given (absolute, relative, or a name on PATH) → the file that would run. */
export function resolveExecutable(executable: string): string | undefined {
  const candidates = executable.includes('/') ? [executable] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, executable));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** Versions read so far, by Python and package (undefined: could not be read). */
const packageVersions = new Map<string, string | undefined>();

/**
 * The version of a Python package in the virtualenv of a console script; undefined when it
 * cannot be read. Read once per process, when the engines are built and probed at start-up:
 * starting Python takes seconds, which `/readyz` (probing again) must not spend on the event loop.
 */
export function pythonPackageVersion(executable: string, pythonPackage: string): string | undefined {
  const python = join(dirname(executable), 'python');
  const key = `${python}\u0000${pythonPackage}`;
  if (!packageVersions.has(key)) {
    const result = spawnSync(python, ['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(pythonPackage)}))`], { encoding: 'utf8', timeout: 20_000 });
    packageVersions.set(key, result.status === 0 ? result.stdout.trim() || undefined : undefined);
  }
  return packageVersions.get(key);
}

export function probeEngine(target: ProbeTarget): EngineProbe {
  const problems: string[] = [];
  const resolved = resolveExecutable(target.executable);
  if (!resolved) problems.push(`${target.setting}=${target.executable} is not an executable file`);
  let version = target.version;
  if (resolved && !version && target.pythonPackage) {
    version = pythonPackageVersion(resolved, target.pythonPackage);
    if (!version) problems.push(`cannot read the version of the ${target.pythonPackage} package with the Python beside ${target.executable}`);
  }
  for (const [what, path] of Object.entries(target.paths ?? {})) {
    if (path === undefined) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch {
      problems.push(`${what} ${path} is not readable`);
    }
  }
  return { engine: target.engine, setting: target.setting, executable: target.executable, families: target.families, runnable: resolved !== undefined, ok: problems.length === 0, ...(version ? { version } : {}), problems };
}
