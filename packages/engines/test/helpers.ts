import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { type MemoryResultFiles, type PipelineKind, type ResultBatch, type ResultSink, RunInterrupted, createMemoryResultFiles } from '../src/index.ts';

/** Test-side readers for what engines produce: tar.gz archives, npz arrays, mmCIF atom sites. */
export function readTarGz(archive: Buffer): Map<string, Buffer> {
  const tar = gunzipSync(archive);
  const entries = new Map<string, Buffer>();
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim(), 8);
    entries.set(name, tar.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

export interface NpyArray {
  descr: string;
  shape: number[];
  values: Float32Array;
}

/** Reads the stored entries of an `.npz` (ZIP local headers) and decodes their `.npy` contents. */
export function readNpz(data: Buffer): Map<string, NpyArray> {
  const arrays = new Map<string, NpyArray>();
  let offset = 0;
  while (data.readUInt32LE(offset) === 0x04034b50) {
    const method = data.readUInt16LE(offset + 8);
    if (method !== 0) throw new Error('compressed npz entries are not read by this helper');
    const size = data.readUInt32LE(offset + 18);
    const nameLength = data.readUInt16LE(offset + 26);
    const extraLength = data.readUInt16LE(offset + 28);
    const name = data.subarray(offset + 30, offset + 30 + nameLength).toString('utf8');
    const start = offset + 30 + nameLength + extraLength;
    arrays.set(name.replace(/\.npy$/, ''), readNpy(data.subarray(start, start + size)));
    offset = start + size;
  }
  return arrays;
}

function readNpy(npy: Buffer): NpyArray {
  if (npy.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new Error('not an npy file');
  const headerLength = npy.readUInt16LE(8);
  const header = npy.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)![1];
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const body = npy.subarray(10 + headerLength);
  const copy = new Float32Array(body.length / 4);
  for (let i = 0; i < copy.length; i++) copy[i] = body.readFloatLE(i * 4);
  return { descr, shape, values: copy };
}

export interface AtomSite {
  group: string;
  element: string;
  atomName: string;
  residueName: string;
  chainId: string;
  seqId: string;
  authSeqId: number;
  x: number;
  y: number;
  z: number;
  bFactor: number;
}

/** Whitespace-separated `_atom_site` rows (values here contain no quoted blanks). */
export function readAtomSites(cif: string): AtomSite[] {
  const lines = cif.split('\n');
  const start = lines.findIndex((l) => l.startsWith('_atom_site.'));
  const columns: string[] = [];
  let i = start;
  for (; lines[i].startsWith('_atom_site.'); i++) columns.push(lines[i].slice('_atom_site.'.length).trim());
  const col = (name: string) => {
    const index = columns.indexOf(name);
    if (index < 0) throw new Error(`missing _atom_site.${name}`);
    return index;
  };
  const sites: AtomSite[] = [];
  for (; i < lines.length && lines[i] !== '#' && lines[i] !== ''; i++) {
    const v = lines[i].split(/\s+/).map((s) => s.replace(/^'(.*)'$/, '$1'));
    sites.push({
      group: v[col('group_PDB')],
      element: v[col('type_symbol')],
      atomName: v[col('label_atom_id')],
      residueName: v[col('label_comp_id')],
      chainId: v[col('auth_asym_id')],
      seqId: v[col('label_seq_id')],
      authSeqId: Number(v[col('auth_seq_id')]),
      x: Number(v[col('Cartn_x')]),
      y: Number(v[col('Cartn_y')]),
      z: Number(v[col('Cartn_z')]),
      bFactor: Number(v[col('B_iso_or_equiv')]),
    });
  }
  return sites;
}

export function distance(a: { x: number; y: number; z: number }, b: { x: number; y: number; z: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

/** Spearman rank correlation. */
export function spearman(x: number[], y: number[]): number {
  const rank = (values: number[]) => {
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const ranks = new Array<number>(values.length);
    order.forEach(([, i], r) => (ranks[i] = r));
    return ranks;
  };
  const [rx, ry] = [rank(x), rank(y)];
  const mean = (x.length - 1) / 2;
  let [num, dx, dy] = [0, 0, 0];
  for (let i = 0; i < x.length; i++) {
    num += (rx[i] - mean) * (ry[i] - mean);
    dx += (rx[i] - mean) ** 2;
    dy += (ry[i] - mean) ** 2;
  }
  return num / Math.sqrt(dx * dy);
}

/** Whether a process is running (a killed one may linger as a zombie until reaped: not running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

export type CollectingSink<K extends PipelineKind> = ResultSink<K> & { batches: Array<ResultBatch<K>>; files: MemoryResultFiles };

/** A sink like the runner's: keeps committed batches; after `stopAfter` batches it refuses like a stopped run. */
export function collectingSink<K extends PipelineKind>(stopAfter = Infinity): CollectingSink<K> {
  const batches: Array<ResultBatch<K>> = [];
  return {
    batches,
    files: createMemoryResultFiles(),
    async commit(batch) {
      if (batches.length >= stopAfter) throw new RunInterrupted('stopped');
      batches.push(batch);
    },
  };
}
