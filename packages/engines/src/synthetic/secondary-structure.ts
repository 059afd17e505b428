/**
 * Secondary structure from the sequence alone, the Chou–Fasman way (Chou & Fasman 1978): each
 * residue's helix and strand propensities are averaged over a window, and runs where one
 * propensity wins become helices (`H`) or strands (`E`); the rest is loop (`L`). Then the
 * assignment is shaped so that a compact globule can be built from it: helices 5–18 residues,
 * strands 3–8, at least two loop residues between elements and at each terminus, no proline
 * inside a helix. This is a plausible assignment, not a prediction.
 */
export type SecondaryStructure = 'H' | 'E' | 'L';

// Chou & Fasman (1978) Pα and Pβ, by one-letter code (×100).
const PROPENSITY: Record<string, [helix: number, strand: number]> = {
  A: [142, 83], R: [98, 93], N: [67, 89], D: [101, 54], C: [70, 119], Q: [111, 110], E: [151, 37],
  G: [57, 75], H: [100, 87], I: [108, 160], L: [121, 130], K: [114, 74], M: [145, 105], F: [113, 138],
  P: [57, 55], S: [77, 75], T: [83, 119], W: [108, 137], Y: [69, 147], V: [106, 170],
};
const NEUTRAL: [number, number] = [100, 100];

interface Rule {
  window: number;
  threshold: number;
  min: number;
  max: number;
}
const HELIX_RULE: Rule = { window: 6, threshold: 103, min: 5, max: 18 };
const STRAND_RULE: Rule = { window: 5, threshold: 105, min: 3, max: 8 };
const MIN_LOOP = 3;
/** Longer loops get an element in their middle, of the type the sequence there prefers. */
const MAX_LOOP = 10;
const TERMINAL_LOOP = 2;

function windowMean(values: number[], window: number): number[] {
  const half = Math.floor(window / 2);
  return values.map((_, i) => {
    let sum = 0;
    let n = 0;
    for (let j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
      sum += values[j];
      n++;
    }
    return sum / n;
  });
}

interface Run {
  type: SecondaryStructure;
  start: number;
  end: number;
}

function runs(states: SecondaryStructure[]): Run[] {
  const out: Run[] = [];
  states.forEach((type, i) => {
    const last = out[out.length - 1];
    if (last && last.type === type && last.end === i) last.end = i + 1;
    else out.push({ type, start: i, end: i + 1 });
  });
  return out;
}

/** One letter per residue (`H`, `E`, `L`) for a one-letter amino-acid sequence. */
export function assignSecondaryStructure(sequence: string): SecondaryStructure[] {
  const letters = [...sequence.toUpperCase()];
  // Elements no longer than about 60 % of the globule's diameter (2.58 radii of gyration,
  // 2.2·N^0.38 Å for N residues): a helix rises 1.5 Å per residue, a strand 3.3 Å.
  const diameter = 2.58 * 2.2 * letters.length ** 0.38;
  const HELIX = { ...HELIX_RULE, max: Math.max(HELIX_RULE.min + 2, Math.min(HELIX_RULE.max, Math.floor((0.6 * diameter) / 1.5))) };
  const STRAND = { ...STRAND_RULE, max: Math.max(STRAND_RULE.min + 1, Math.min(STRAND_RULE.max, Math.floor((0.6 * diameter) / 3.3))) };
  const ruleOf = (type: SecondaryStructure) => (type === 'H' ? HELIX : type === 'E' ? STRAND : undefined);
  const helix = windowMean(letters.map((l) => (PROPENSITY[l] ?? NEUTRAL)[0]), HELIX.window);
  const strand = windowMean(letters.map((l) => (PROPENSITY[l] ?? NEUTRAL)[1]), STRAND.window);
  const states: SecondaryStructure[] = letters.map((letter, i) => {
    if (helix[i] > HELIX.threshold && helix[i] >= strand[i] && letter !== 'P') return 'H';
    if (strand[i] > STRAND.threshold && strand[i] > helix[i]) return 'E';
    return 'L';
  });
  // Termini are loops.
  for (let i = 0; i < Math.min(TERMINAL_LOOP, states.length); i++) {
    states[i] = 'L';
    states[states.length - 1 - i] = 'L';
  }
  for (const run of runs(states)) {
    const rule = ruleOf(run.type);
    if (!rule) continue;
    const length = run.end - run.start;
    if (length < rule.min) {
      states.fill('L', run.start, run.end);
      continue;
    }
    // Long elements are split by a short loop into pieces of at most `max`.
    const pieces = Math.ceil((length + MIN_LOOP) / (rule.max + MIN_LOOP));
    if (pieces > 1) {
      const piece = (length - (pieces - 1) * MIN_LOOP) / pieces;
      for (let p = 1; p < pieces; p++) {
        const at = run.start + Math.round(p * piece + (p - 1) * MIN_LOOP);
        states.fill('L', at, at + MIN_LOOP);
      }
    }
  }
  separateElements(states, ruleOf);
  // Long loops: a compact fold needs anchors; the middle of a long loop becomes an element.
  // Proline cannot sit inside a helix (its ring would meet the carbonyl four residues back),
  // and the residue before it is a loop residue (its ψ is restricted, protein-fold.ts). Breaking
  // elements at prolines can make long loops again, hence twice.
  for (let pass = 0; pass < 2; pass++) {
    for (const run of runs(states)) {
      if (run.type !== 'L' || run.end - run.start <= MAX_LOOP) continue;
      const margin = run.start === 0 || run.end === states.length ? TERMINAL_LOOP : MIN_LOOP;
      const [start, end] = [run.start + margin, run.end - margin];
      let helixScore = 0;
      let strandScore = 0;
      for (let i = start; i < end; i++) [helixScore, strandScore] = [helixScore + helix[i], strandScore + strand[i]];
      const rule = helixScore >= strandScore ? HELIX : STRAND;
      // Pieces of at most `max` residues separated by MIN_LOOP loop residues.
      for (let at = start; at + rule.min <= end; at += rule.max + MIN_LOOP) {
        states.fill(rule === HELIX ? 'H' : 'E', at, Math.min(at + rule.max, end));
      }
    }
    letters.forEach((letter, i) => {
      if (letter !== 'P' || i === 0) return;
      if (states[i] === 'H' && states[i - 1] === 'H') states[i] = 'L';
      states[i - 1] = 'L';
    });
    separateElements(states, ruleOf);
  }
  separateElements(states, ruleOf);
  return states;
}

/**
 * At least MIN_LOOP loop residues between elements (taken from the longer neighbour) and no
 * element below its minimum length; repeated until both hold.
 */
function separateElements(states: SecondaryStructure[], ruleOf: (type: SecondaryStructure) => Rule | undefined): void {
  for (let changed = true; changed; ) {
    changed = false;
    const all = runs(states);
    for (let k = 0; k < all.length; k++) {
      const run = all[k];
      const rule = ruleOf(run.type);
      if (rule && run.end - run.start < rule.min) {
        states.fill('L', run.start, run.end);
        changed = true;
        break;
      }
      const [before, after] = [all[k - 1], all[k + 1]];
      if (!before || !after || before.type === 'L' || after.type === 'L') {
        // Two elements touching: a zero-length loop between them.
        if (run.type !== 'L' && after && after.type !== 'L') {
          states[after.start] = 'L';
          changed = true;
          break;
        }
        continue;
      }
      if (run.type === 'L' && run.end - run.start < MIN_LOOP) {
        if (before.end - before.start >= after.end - after.start) states[before.end - 1] = 'L';
        else states[after.start] = 'L';
        changed = true;
        break;
      }
    }
  }
}
