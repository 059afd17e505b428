// Explore library ingestion, the library reader alone (packages/chemistry library-file.ts):
// generates a 5,000,000-record CSV (~375 MiB; kept in the temp folder for reruns), streams it
// from disk through readMoleculeLibrary and reports MB/s and the process's peak RSS.
// Usage: node --import tsx scripts/bench/explore-library-ingestion.ts [--records N] [--format csv|tsv]
// Goal (issue 9): ≥ 50 MB/s with RSS < 512 MiB. The same file through the server's explore start
// (by URL, /healthz p99 meanwhile): scripts/bench/explore-start.ts.
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readMoleculeLibrary } from '@boltz/chemistry';

const { values } = parseArgs({ options: { records: { type: 'string', default: '5000000' }, format: { type: 'string', default: 'csv' } } });
const records = Number(values.records);
const format = values.format === 'tsv' ? 'tsv' : 'csv';
const separator = format === 'csv' ? ',' : '\t';

// Drug-like SMILES from pieces: 16 × 10 × 10 × 10 × 40 × 9 combinations, so no two records of
// 5,000,000 repeat; one id in ten is quoted (the slower CSV path).
const ARYLS = ['c1ccc(F)cc1', 'c1ccc(Cl)cc1', 'c1ccncc1', 'c1ccc2[nH]ccc2c1', 'c1cnc(N)nc1', 'c1ccc(OC)cc1', 'c1csc(C)n1', 'c1ccc2ncccc2c1',
  'c1ccc(C(F)(F)F)cc1', 'c1cc(F)cc(F)c1', 'c1ccoc1', 'c1cn(C)nc1', 'c1ccc2OCOc2c1', 'c1ccc(cc1)S(C)(=O)=O', 'c1ncc(Br)cn1', 'c1ccc(C#N)cc1'];
const LINKERS = ['', 'C', 'CC', 'O', 'N', 'C(=O)', 'C(=O)N', 'NC(=O)', 'S(=O)(=O)', 'OC'];
const CORES = ['C1CCN(CC1)', 'N1CCN(CC1)', 'C1CCOCC1', 'c1ccc(cc1)', 'c1cc(ncn1)', 'C1CC(C1)', 'N1CCC(CC1)', 'c1ccc2c(c1)ncn2', 'C1COCCN1', 'c1cn(nc1)'];
const CAPS = ['C(=O)OC', 'c1ccccc1', 'CC(C)C', 'C1CC1', 'c1ccc(C#N)cc1', 'C(F)(F)F', 'C(=O)N', 'OC', 'N(C)C', 'C1CCCC1', 'c1ccccn1', 'C(C)(C)O',
  'S(=O)(=O)N', 'c1ccsc1', 'C#N', 'CO', 'C(=O)C', 'N1CCOCC1', 'c1cccc(F)c1', 'Cc1ccccc1', 'OC(F)F', 'C(=O)NC', 'NC(C)=O', 'c1ncccn1',
  'C1CCNCC1', 'OCCO', 'C(=O)O', 'c1ccc(O)cc1', 'N1CCCC1', 'SC', 'C2CC2C', 'c1cnccn1', 'C(N)=O', 'CCN(C)C', 'c1ccc(Cl)cc1Cl', 'OC1CCCC1',
  'c1ccc2ccccc2c1', 'C(C)C(=O)O', 'NS(C)(=O)=O', 'Oc1ccccc1'];

function line(index: number): string {
  let rest = index;
  const pick = <T>(items: T[]) => {
    const item = items[rest % items.length];
    rest = Math.floor(rest / items.length);
    return item;
  };
  const smiles = pick(ARYLS) + pick(LINKERS) + pick(CORES) + pick(LINKERS) + 'C'.repeat(pick([0, 1, 2, 3, 4, 5, 6, 7, 8])) + pick(CAPS);
  const id = `ENM-${index.toString().padStart(9, '0')}`;
  const idCell = format === 'csv' && index % 10 === 0 ? `"${id}"` : id;
  return `${idCell}${separator}${smiles}${separator}${((index % 997) / 100).toFixed(2)}${separator}SUPREF${(index * 2654435761) >>> 0}\n`;
}

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(['compound_id', 'smiles', 'score', 'supplier_ref'].join(separator) + '\n');
  let buffer = '';
  for (let i = 0; i < records; i++) {
    buffer += line(i);
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

const path = join(tmpdir(), `boltz-bench-library-${records}.${format}`);
if (!existsSync(path)) {
  process.stdout.write(`generating ${path}…\n`);
  await generate(path);
}
const size = statSync(path).size;
const started = performance.now();
const cpuStarted = process.cpuUsage();
let batches = 0;
const summary = await readMoleculeLibrary(createReadStream(path, { highWaterMark: 1 << 20 }), { format, smiles_column: 'smiles', id_column: 'compound_id' }, () => {
  batches++;
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);
// On a shared machine the wall clock includes waiting for a CPU; CPU time says what the reader costs.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${format.toUpperCase()} ${(size / 2 ** 20).toFixed(0)} MiB, ${summary.records} records (${summary.duplicateSmiles} repeated SMILES) in ${batches} batches: ` +
    `${seconds.toFixed(2)} s, ${(size / 1e6 / seconds).toFixed(0)} MB/s (CPU time ${cpuSeconds.toFixed(2)} s: ${(size / 1e6 / cpuSeconds).toFixed(0)} MB/s per CPU), peak RSS ${peakRssMiB.toFixed(0)} MiB\n` +
    `goal ≥ 50 MB/s and < 512 MiB: ${size / 1e6 / seconds >= 50 && peakRssMiB < 512 ? 'met' : 'MISSED'}\n`,
);
