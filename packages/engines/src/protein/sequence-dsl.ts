/**
 * The designed-sequence DSL of `designed_protein.value` (spec/API.md §10, PIPELINE-ENGINES.md §2):
 * capitals are fixed residues, `N` is exactly N designed residues, `MIN..MAX` a designed segment
 * of variable length. `"MKTAYI5..10VKSHFSRQ"` = fixed MKTAYI, 5–10 designed, fixed VKSHFSRQ.
 */
export type DslSegment = { kind: 'fixed'; sequence: string } | { kind: 'designed'; min: number; max: number };

export const AMINO_ACIDS = 'ACDEFGHIKLMNPQRSTVWY';

/** The longest designed segment one DSL term may ask for. */
export const MAX_DESIGNED_SEGMENT = 1000;

/** Segments of a DSL value, or the reason it is not one. */
export function parseSequenceDsl(value: string): DslSegment[] | string {
  const segments: DslSegment[] = [];
  const term = /([A-Z]+)|(\d+)(?:\.\.(\d+))?/gy;
  let match: RegExpExecArray | null;
  let position = 0;
  while (position < value.length && (match = term.exec(value)) !== null) {
    position = term.lastIndex;
    if (match[1] !== undefined) {
      const unknown = [...match[1]].find((letter) => !AMINO_ACIDS.includes(letter));
      if (unknown) return `has "${unknown}" at position ${match.index}, which is not one of the 20 standard amino acids (${AMINO_ACIDS})`;
      segments.push({ kind: 'fixed', sequence: match[1] });
      continue;
    }
    const min = Number(match[2]);
    const max = match[3] === undefined ? min : Number(match[3]);
    if (min < 1) return `has a designed segment of length ${min} at position ${match.index}; lengths start at 1`;
    if (max < min) return `has the range ${min}..${max} at position ${match.index}, whose minimum is above its maximum`;
    if (max > MAX_DESIGNED_SEGMENT) return `asks for up to ${max} designed residues at position ${match.index}; one segment may have at most ${MAX_DESIGNED_SEGMENT}`;
    segments.push({ kind: 'designed', min, max });
  }
  if (position < value.length || value.length === 0) {
    return `is not a sequence DSL value at position ${position}: use capital amino-acid letters for fixed residues, N for N designed residues and MIN..MAX for a variable-length designed segment, e.g. "MKTAYI5..10VKSHFSRQ"`;
  }
  return segments;
}
