import type { Float32Array2D } from '../npz.ts';
import { proteinBindingConfidence, structureConfidence, type SampleMetrics } from '../structure-output.ts';
import { AtomGrid } from './atom-grid.ts';
import type { ChainSummary } from './complex.ts';
import type { Random } from './random.ts';
import { distance, type Vec3 } from './vector.ts';

/**
 * Confidences of a synthetic complex, from one latent quality q ∈ [0, 1] and the geometry as
 * built, so that they agree with it the way a real model's do (spec/ENGINE.md §4):
 *
 * - pLDDT per token: higher with q, in helices and strands (recognised from Cα spacing), and for
 *   buried residues; lower in loops and within six residues of a terminus; ligand atoms by
 *   their own contacts.
 * - Chain-pair ipTM: rises with q and with the size of the actual interface (heavy-atom pairs
 *   within 4.5 Å, relative to the smaller chain), saturating; a pair without contacts stays near 0.1. `iptm`, `ligand_iptm`
 *   and `protein_iptm` are built from these, so a ligand out of contact cannot score high.
 * - PAE: low within a chain (growing with distance and low pLDDT), high between chains unless
 *   their pair ipTM is high; `complex_ipde` is its mean over interface pairs.
 * - Binding: a ligand binder's confidence from its ipTM and contacts; protein binders by the
 *   function the live engine uses (../structure-output.ts `proteinBindingConfidence`).
 */
export interface ComplexConfidence {
  plddt: Float32Array;
  pae: Float32Array2D;
  metrics: SampleMetrics;
  /** ipTM per chain pair, aligned on the row's chain (0 on the diagonal). */
  pairIptm: number[][];
  /** Heavy-atom pairs within 4.5 Å per chain pair. */
  pairContacts: number[][];
  /** Protein–protein binding confidence of the binder chains, when binders are proteins. */
  proteinBindingConfidence?: number;
  /** The first ligand binder's binding confidence and optimisation score (pIC50-like). */
  ligandBinding?: { bindingConfidence: number; optimizationScore: number };
}

export interface ConfidenceInput {
  chains: ChainSummary[];
  /** Atom indices per token. */
  tokenAtoms: number[][];
  positions: Vec3[];
  atomNames: string[];
  binders: string[];
  quality: number;
  random: Random;
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const round4 = (value: number) => Math.round(value * 1e4) / 1e4;
const CONTACT = 4.5;
const LIGAND_SATURATION = 20;
/**
 * Atom pairs that make a polymer–polymer interface about 63 % "complete": 2.5 per residue of the
 * smaller chain, at most 40 (a synthetic interface of rigid, packed chains has about 40–100 pairs),
 * so that a short peptide lying on its target with most of its residues is as well bound as a
 * larger binder with a larger interface.
 */
const polymerSaturation = (a: ChainSummary, b: ChainSummary) => clamp(2.5 * Math.min(a.tokenEnd - a.tokenStart, b.tokenEnd - b.tokenStart), 10, 40);

const isPolymer = (kind: ChainSummary['kind']) => kind === 'protein' || kind === 'rna' || kind === 'dna';

export function confidence(input: ConfidenceInput): ComplexConfidence {
  const { chains, tokenAtoms, positions, atomNames, quality: q, random } = input;
  const tokens = tokenAtoms.length;
  const chainOfToken = new Int32Array(tokens);
  chains.forEach((chain, c) => chainOfToken.fill(c, chain.tokenStart, chain.tokenEnd));
  const chainOfAtom = new Int32Array(positions.length);
  tokenAtoms.forEach((atoms, t) => atoms.forEach((a) => (chainOfAtom[a] = chainOfToken[t])));
  // Representative point per token: CA / C1' of residues, the atom itself for ligands.
  const rep: Vec3[] = tokenAtoms.map((atoms) => {
    const named = atoms.find((a) => atomNames[a] === 'CA' || atomNames[a] === "C1'");
    return positions[named ?? atoms[0]];
  });

  // Interfaces: heavy-atom pairs within 4.5 Å between chains; interface tokens.
  const grid = new AtomGrid(CONTACT, positions.length + 16);
  positions.forEach((p, a) => grid.add(p, chainOfAtom[a]));
  const pairContacts = chains.map(() => chains.map(() => 0));
  const atomInInterface = new Uint8Array(positions.length);
  positions.forEach((p, a) => {
    const own = chainOfAtom[a];
    grid.forEachNear(p, CONTACT, (b, _d2, chain) => {
      if (chain === own || b < a) return;
      pairContacts[own][chain]++;
      pairContacts[chain][own]++;
      atomInInterface[a] = 1;
      atomInInterface[b] = 1;
    });
  });
  const interfaceToken = tokenAtoms.map((atoms) => atoms.some((a) => atomInInterface[a] === 1));

  // pLDDT per token.
  const repGrid = new AtomGrid(10, tokens + 16);
  rep.forEach((p, t) => repGrid.add(p, t));
  const plddt = new Float32Array(tokens);
  for (const chain of chains) {
    const length = chain.tokenEnd - chain.tokenStart;
    for (let t = chain.tokenStart; t < chain.tokenEnd; t++) {
      let value = 0.35 + 0.55 * q + random.between(-0.03, 0.03);
      if (isPolymer(chain.kind)) {
        const i = t - chain.tokenStart;
        const structured = chain.kind === 'protein' ? regularSecondaryStructure(rep, t, chain) : true;
        value += structured ? 0.06 : -0.1;
        const fromEnd = Math.min(i, length - 1 - i);
        if (length > 12 && fromEnd < 6) value -= 0.2 * (1 - fromEnd / 6);
        value += 0.004 * (repGrid.countNear(rep[t], 10) - 12);
      } else {
        // A ligand atom is as confident as its contacts make it.
        value += interfaceToken[t] ? 0.04 : -0.12;
      }
      plddt[t] = round4(clamp(value, 0.15, 0.98));
    }
  }

  // Chain-pair ipTM from q and the interface size; aligned on one chain or the other, the two
  // directions differ a little, as Boltz's pair_chains_iptm does.
  const pairIptm = chains.map(() => chains.map(() => 0));
  for (let a = 0; a < chains.length; a++) {
    for (let b = a + 1; b < chains.length; b++) {
      const polymerPair = isPolymer(chains[a].kind) && isPolymer(chains[b].kind);
      const saturation = 1 - Math.exp(-pairContacts[a][b] / (polymerPair ? polymerSaturation(chains[a], chains[b]) : LIGAND_SATURATION));
      const shared = clamp(q + random.between(-0.05, 0.05), 0, 1) * saturation;
      for (const [x, y] of [[a, b], [b, a]]) pairIptm[x][y] = round4(clamp(0.08 + 0.87 * shared + random.between(0, 0.04), 0.02, 0.97));
    }
  }

  const pae = alignedError(rep, chainOfToken, plddt, pairIptm);
  const metrics = sampleMetrics(chains, plddt, pairIptm, pairContacts, interfaceToken, pae, chainOfToken, q, random);
  const result: ComplexConfidence = { plddt, pae, metrics, pairIptm, pairContacts };

  const binderIndices = input.binders.map((id) => chains.findIndex((c) => c.id === id)).filter((c) => c >= 0);
  const proteinBinders = binderIndices.filter((c) => chains[c].kind === 'protein').map((c) => chains[c].id);
  const targets = chains.filter((c) => c.kind === 'protein' && !proteinBinders.includes(c.id)).map((c) => c.id);
  const index = new Map(chains.map((c, i) => [c.id, i]));
  const binding = proteinBindingConfidence((a, b) => pairIptm[index.get(a)!][index.get(b)!], proteinBinders, targets);
  if (binding !== undefined) result.proteinBindingConfidence = round4(binding);
  const ligand = binderIndices.find((c) => chains[c].kind === 'ligand');
  if (ligand !== undefined) {
    const best = Math.max(0, ...chains.map((c, i) => (isPolymer(c.kind) ? pairIptm[ligand][i] : 0)));
    const contacts = chains.reduce((s, c, i) => s + (isPolymer(c.kind) ? pairContacts[ligand][i] : 0), 0);
    const bindingConfidence = clamp(0.05 + 0.9 * best * (0.6 + 0.4 * (1 - Math.exp(-contacts / LIGAND_SATURATION))) + random.between(-0.05, 0.05), 0, 1);
    const log10Ic50 = random.between(-1, 1) + 1.5 - 4 * (bindingConfidence - 0.3);
    result.ligandBinding = { bindingConfidence: round4(bindingConfidence), optimizationScore: round4(6 - log10Ic50) };
  }
  return result;
}

/** A helix (Cα i → i+3 ≈ 5 Å) or strand (Cα i → i+2 ≈ 6.5 Å) around token t. */
function regularSecondaryStructure(rep: Vec3[], t: number, chain: ChainSummary): boolean {
  const at = (k: number) => (k >= chain.tokenStart && k < chain.tokenEnd ? rep[k] : undefined);
  const [ahead3, behind3, ahead2, behind2] = [at(t + 3), at(t - 3), at(t + 2), at(t - 2)];
  const helix = (ahead3 && distance(rep[t], ahead3) < 6.2) || (behind3 && distance(rep[t], behind3) < 6.2);
  const strand = ahead2 && behind2 && distance(rep[t], ahead2) > 6.2 && distance(rep[t], behind2) > 6.2;
  return Boolean(helix || strand);
}

/**
 * PAE (Å): within a chain from both tokens' pLDDT and their distance; between chains the same
 * plus an error that grows as the pair's ipTM (aligned on the row's chain) falls and is smallest
 * where the chains touch: a confident interface (ipTM 0.85) has a minimum inter-chain PAE of
 * about 2 Å and a mean of about 4 Å, a doubtful one (0.3) about 9 Å and 25 Å (the ranges of
 * docs/spec/PIPELINE-ENGINES.md §6). On a 1/16 Å grid (compresses well), 0.25–31.75 Å.
 */
const INTERFACE_ERROR = 50;

function alignedError(rep: Vec3[], chainOfToken: Int32Array, plddt: Float32Array, pairIptm: number[][]): Float32Array2D {
  const n = rep.length;
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const [xi, yi, zi] = rep[i];
    for (let j = 0; j < n; j++) {
      if (i === j) {
        values[i * n + j] = 0.25;
        continue;
      }
      const d = Math.sqrt((xi - rep[j][0]) ** 2 + (yi - rep[j][1]) ** 2 + (zi - rep[j][2]) ** 2);
      const uncertainty = 2 - plddt[i] - plddt[j];
      const [a, b] = [chainOfToken[i], chainOfToken[j]];
      const within = 0.6 + 3 * uncertainty + 0.05 * d;
      const value = a === b ? within : within + INTERFACE_ERROR * (1 - pairIptm[a][b]) ** 2 * (0.3 + 0.7 * clamp((d - 6) / 18, 0, 1));
      values[i * n + j] = Math.round(16 * clamp(value, 0.25, 31.75)) / 16;
    }
  }
  return { rows: n, cols: n, values };
}

function sampleMetrics(
  chains: ChainSummary[],
  plddt: Float32Array,
  pairIptm: number[][],
  pairContacts: number[][],
  interfaceToken: boolean[],
  pae: Float32Array2D,
  chainOfToken: Int32Array,
  q: number,
  random: Random,
): SampleMetrics {
  const mean = (values: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[i];
    return values.length ? sum / values.length : 0;
  };
  const complexPlddt = mean(plddt);
  const multiChain = chains.length > 1;
  const pairs: Array<[number, number]> = [];
  for (let a = 0; a < chains.length; a++) for (let b = a + 1; b < chains.length; b++) pairs.push([a, b]);
  const contacts = pairs.reduce((s, [a, b]) => s + pairContacts[a][b], 0);
  // Boltz's complex ipTM takes the best-aligned residue of the whole complex: per pair, the better direction.
  const pairBest = ([a, b]: [number, number]) => Math.max(pairIptm[a][b], pairIptm[b][a]);
  const iptm = !multiChain ? 0 : contacts > 0 ? pairs.reduce((s, [a, b]) => s + pairBest([a, b]) * pairContacts[a][b], 0) / contacts : mean(pairs.map(pairBest));
  const bestPartner = (c: number, accept: (kind: ChainSummary['kind']) => boolean) => Math.max(0, ...chains.map((other, i) => (i !== c && accept(other.kind) ? pairIptm[c][i] : 0)));
  const ligands = chains.map((_, i) => i).filter((i) => chains[i].kind === 'ligand' || chains[i].kind === 'glycan');
  const proteins = chains.map((_, i) => i).filter((i) => chains[i].kind === 'protein');
  const ligandIptm = ligands.length && multiChain ? mean(ligands.map((l) => bestPartner(l, isPolymer))) : 0;
  const proteinIptm = proteins.length >= 2 ? mean(proteins.map((p) => bestPartner(p, (kind) => kind === 'protein'))) : 0;
  const interfacePlddt = Array.from(plddt).filter((_, t) => interfaceToken[t]);
  let interfaceError = 0;
  let interfacePairs = 0;
  const n = pae.rows;
  for (let i = 0; i < n; i++) {
    if (!interfaceToken[i]) continue;
    for (let j = 0; j < n; j++) {
      if (!interfaceToken[j] || chainOfToken[i] === chainOfToken[j]) continue;
      interfaceError += pae.values[i * n + j];
      interfacePairs++;
    }
  }
  const ptm = clamp(0.2 + 0.72 * q + random.between(-0.04, 0.04), 0.1, 0.97);
  const metrics = {
    ptm: round4(ptm),
    iptm: round4(iptm),
    ligand_iptm: round4(ligandIptm),
    protein_iptm: round4(proteinIptm),
    complex_plddt: round4(complexPlddt),
    complex_iplddt: round4(!multiChain ? 0 : interfacePlddt.length ? mean(interfacePlddt) : clamp(complexPlddt - 0.1, 0, 1)),
    complex_pde: round4(0.3 + 5 * (1 - complexPlddt)),
    complex_ipde: round4(!multiChain ? 0 : interfacePairs ? interfaceError / interfacePairs / 2 : 12 + 10 * (1 - q)),
  };
  return { structure_confidence: round4(structureConfidence(metrics)), ...metrics };
}
