import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Debian's python3 with python3-rdkit; the python3 first on PATH may be another build without it.
const PYTHON = '/usr/bin/python3';
const ORACLE = new URL('../oracle/rdkit_oracle.py', import.meta.url).pathname;

/** Python RDKit's answer for each SMILES (null where it cannot parse it), in order. */
export function askRdkitOracle<T>(args: string[], smiles: string[]): Array<T | null> {
  const output = execFileSync(PYTHON, [ORACLE, ...args], { input: `${smiles.join('\n')}\n`, maxBuffer: 256 * 1024 * 1024 });
  return output.toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as T | null);
}

/** A fixture in `packages/chemistry/fixtures`: tab-separated SMILES and id, `#` comments. */
export function readSmilesFixture(name: string): Array<{ smiles: string; id: string }> {
  return readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [smiles, id] = line.split('\t');
      return { smiles, id };
    });
}
