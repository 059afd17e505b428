import { createHash } from 'node:crypto';

/**
 * A readable directory name derived deterministically from a run id (CLI.md §9.1), e.g.
 * `lucid-atom-checks-2f7148`, so that reruns of `download-results --id …` land in the same place.
 */
const ADJECTIVES = ['amber', 'bold', 'brisk', 'calm', 'clever', 'crisp', 'eager', 'fair', 'gentle', 'golden', 'keen', 'lucid', 'mellow', 'nimble', 'proud', 'quiet', 'rapid', 'silent', 'steady', 'swift', 'tidy', 'vivid', 'warm', 'witty'];
const NOUNS = ['atom', 'bond', 'cell', 'chain', 'codon', 'enzyme', 'helix', 'ion', 'ligand', 'loop', 'motif', 'orbit', 'peptide', 'pocket', 'prism', 'quark', 'ribbon', 'sheet', 'strand', 'vector'];
const VERBS = ['binds', 'checks', 'drifts', 'folds', 'glows', 'hums', 'jumps', 'links', 'maps', 'nests', 'pivots', 'rests', 'scans', 'spins', 'tunes', 'turns', 'waits', 'weaves'];

export function runDirectoryName(runId: string): string {
  const digest = createHash('sha256').update(runId).digest();
  const pick = (words: string[], offset: number) => words[digest.readUInt16BE(offset) % words.length];
  return `${pick(ADJECTIVES, 0)}-${pick(NOUNS, 2)}-${pick(VERBS, 4)}-${digest.subarray(6, 9).toString('hex')}`;
}
