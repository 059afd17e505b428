import { appendFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { writeJsonAtomically } from './checkpoint.ts';

/**
 * `results/index.jsonl` of a pipeline download (CLI.md §9.2): one result per line, sorted by id —
 * its metadata plus `paths` to the local files. Pages arrive oldest first and result ids only
 * grow, so lines are appended; a file left unreadable by a kill is rebuilt from the
 * `results/<id>/metadata.json` files.
 */
export class ResultIndex {
  readonly path: string;
  private readonly known = new Set<string>();

  private constructor(private readonly runDir: string) {
    this.path = join(runDir, 'results', 'index.jsonl');
  }

  /** Reads the ids already listed, line by line (a million-result index is not one string). */
  static async open(runDir: string): Promise<ResultIndex> {
    const index = new ResultIndex(runDir);
    if (!existsSync(index.path)) return index;
    try {
      for await (const line of createInterface({ input: createReadStream(index.path), crlfDelay: Infinity })) {
        if (line) index.known.add(String((JSON.parse(line) as { id: unknown }).id));
      }
    } catch {
      index.known.clear();
      await index.rebuild();
    }
    return index;
  }

  has(id: string): boolean {
    return this.known.has(id);
  }

  /** Adds the results not yet listed, in the order given (ascending ids). */
  append(entries: Array<Record<string, unknown> & { id: string }>): void {
    const fresh = entries.filter((entry) => !this.known.has(entry.id));
    if (fresh.length === 0) return;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, fresh.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    for (const entry of fresh) this.known.add(entry.id);
  }

  /** The index line of one result: its metadata plus `paths` when files were downloaded. */
  entry(metadata: Record<string, unknown> & { id: string }): Record<string, unknown> & { id: string } {
    const paths = resultPaths(this.runDir, join(this.runDir, 'results', metadata.id));
    return Object.keys(paths).length > 0 ? { ...metadata, paths } : metadata;
  }

  private async rebuild(): Promise<void> {
    const resultsDir = join(this.runDir, 'results');
    const ids = readdirSync(resultsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(resultsDir, entry.name, 'metadata.json')))
      .map((entry) => entry.name)
      .sort();
    const temporary = `${this.path}.tmp-${process.pid}`;
    const out = createWriteStream(temporary);
    for (const id of ids) {
      const line = JSON.stringify(this.entry(JSON.parse(readFileSync(join(resultsDir, id, 'metadata.json'), 'utf8'))));
      if (!out.write(`${line}\n`)) await once(out, 'drain');
      this.known.add(id);
    }
    out.end();
    await once(out, 'finish');
    renameSync(temporary, this.path);
  }
}

/** Writes `results/<id>/metadata.json`: the result without its artifacts (URLs expire), §9.2. */
export function writeResultMetadata(runDir: string, metadata: Record<string, unknown> & { id: string }): void {
  mkdirSync(join(runDir, 'results', metadata.id), { recursive: true });
  writeJsonAtomically(join(runDir, 'results', metadata.id, 'metadata.json'), metadata);
}

const ARCHIVES = ['archive.tar.gz', 'archive.tgz', 'archive.tar', 'archive.zip'];

/**
 * Run-directory-relative, forward-slash paths of a result's files (§9.2): `metrics` prefers
 * `result/metrics.json`, `structure` `result/predicted_structure.cif` (else any .cif/.pdb), `pae`
 * `result/pae.npz`.
 */
export function resultPaths(runDir: string, resultDir: string): Record<string, string> {
  const paths: Record<string, string> = {};
  const local = (path: string) => relative(runDir, path).split(sep).join('/');
  const archive = ARCHIVES.map((name) => join(resultDir, name)).find((path) => existsSync(path));
  if (archive) paths.archive = local(archive);
  const files = join(resultDir, 'files');
  if (!existsSync(files) || !statSync(files).isDirectory()) return paths;
  paths.files = local(files);
  const all = walk(files);
  const pick = (preferred: string[], matches: (name: string) => boolean) =>
    preferred.map((name) => join(files, name)).find((path) => all.includes(path)) ?? all.find((path) => matches(path.toLowerCase()));
  const metrics = pick(['result/metrics.json', 'metrics.json'], (path) => path.endsWith(`${sep}metrics.json`));
  const structure = pick(['result/predicted_structure.cif', 'predicted_structure.cif'], (path) => path.endsWith('.cif') || path.endsWith('.pdb'));
  const pae = pick(['result/pae.npz', 'pae.npz'], (path) => path.endsWith(`${sep}pae.npz`));
  if (metrics) paths.metrics = local(metrics);
  if (structure) paths.structure = local(structure);
  if (pae) paths.pae = local(pae);
  return paths;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : entry.isFile() ? [join(dir, entry.name)] : []));
}

/**
 * `results/summary.csv` for small-molecule runs (§9.2): one row per index line, `smiles` and `id`
 * first, then the other columns sorted; nested keys dotted, arrays as JSON; no `paths` or
 * `created_at`. The index is read twice (columns, then rows) so a large run is never held whole.
 */
export async function writeSummaryCsv(index: ResultIndex, runDir: string): Promise<void> {
  if (!existsSync(index.path)) return;
  const columns = new Set<string>();
  for await (const row of indexRows(index.path)) for (const key of Object.keys(row)) columns.add(key);
  const rest = [...columns].filter((column) => column !== 'smiles' && column !== 'id').sort();
  const header = [...['smiles', 'id'].filter((column) => columns.has(column)), ...rest];

  const target = join(runDir, 'results', 'summary.csv');
  const temporary = `${target}.tmp-${process.pid}`;
  const out = createWriteStream(temporary);
  const write = async (cells: string[]) => {
    if (!out.write(`${cells.map(csvCell).join(',')}\n`)) await once(out, 'drain');
  };
  await write(header);
  for await (const row of indexRows(index.path)) await write(header.map((column) => row[column] ?? ''));
  out.end();
  await once(out, 'finish');
  renameSync(temporary, target);
}

async function* indexRows(path: string): AsyncGenerator<Record<string, string>> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const { paths: _paths, created_at: _createdAt, ...result } = JSON.parse(line) as Record<string, unknown>;
    const flat: Record<string, string> = {};
    flatten('', result, flat);
    yield flat;
  }
}

function flatten(prefix: string, value: unknown, out: Record<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) out[prefix] = '{}';
    for (const [key, item] of entries) flatten(prefix ? `${prefix}.${key}` : key, item, out);
    return;
  }
  out[prefix] = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** RFC 4180: quote cells holding a comma, quote or line break; double the quotes. */
function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
