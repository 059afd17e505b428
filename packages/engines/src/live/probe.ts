import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Engine health (issue 10 §4): a live engine's executable is probed at start-up and by `/readyz`.
 * The engines are Python console scripts in their own virtualenvs (spec/PIPELINE-ENGINES.md
 * §1.1: `boltz` and `boltzgen` pin incompatible numpy versions), so the interpreter beside the
 * script knows the package version — `boltzgen --version` does not exist (addendum).
 */
export interface EngineProbe {
  /** What the engine is, e.g. `boltzgen`. */
  engine: string;
  executable: string;
  /** Job families it runs here. */
  families: string[];
  ok: boolean;
  version?: string;
  problems: string[];
}

export interface ProbeTarget {
  engine: string;
  executable: string;
  families: string[];
  /** The Python package whose version to read; none for operator executables. */
  pythonPackage?: string;
  /** Folders that must exist and be readable (weights cache, checkpoints, scaffolds). */
  folders?: Record<string, string | undefined>;
}

/** The version of a Python package in the virtualenv of a console script; undefined when it cannot be read. */
export function pythonPackageVersion(executable: string, pythonPackage: string): string | undefined {
  const python = join(dirname(executable), 'python');
  const result = spawnSync(python, ['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(pythonPackage)}))`], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}

export function probeEngine(target: ProbeTarget): EngineProbe {
  const problems: string[] = [];
  try {
    accessSync(target.executable, constants.X_OK);
    if (!statSync(target.executable).isFile()) problems.push(`${target.executable} is not a file`);
  } catch {
    problems.push(`${target.executable} does not exist or is not executable`);
  }
  let version: string | undefined;
  if (problems.length === 0 && target.pythonPackage) {
    version = pythonPackageVersion(target.executable, target.pythonPackage);
    if (!version) problems.push(`cannot read the ${target.pythonPackage} package version with the Python beside ${target.executable}`);
  }
  for (const [name, folder] of Object.entries(target.folders ?? {})) {
    if (folder === undefined) continue;
    try {
      accessSync(folder, constants.R_OK);
    } catch {
      problems.push(`${name} ${folder} is not readable`);
    }
  }
  return { engine: target.engine, executable: target.executable, families: target.families, ok: problems.length === 0, ...(version ? { version } : {}), problems };
}
