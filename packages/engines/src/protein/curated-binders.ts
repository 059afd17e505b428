/**
 * The curated binder scaffolds behind `boltz_curated` (spec/API.md §10): frameworks whose CDRs
 * are designed. Nanobodies are single VHH chains; antibodies are Fv heavy + light chains. CDR
 * length ranges follow the BoltzGen nanobody scaffolds (spec/PIPELINE-ENGINES.md §2 and its
 * addendum: CDR1 6–10, CDR2 5–9, CDR3 14–27 residues); the frameworks are the consensus llama
 * VHH and human VH3/VK1 frameworks.
 */
export type CuratedSegment = { kind: 'fixed'; sequence: string } | { kind: 'designed'; min: number; max: number };

export interface CuratedBinder {
  name: string;
  chains: Array<{ id: string; segments: CuratedSegment[] }>;
}

const fixed = (sequence: string): CuratedSegment => ({ kind: 'fixed', sequence });
const cdr = (min: number, max: number): CuratedSegment => ({ kind: 'designed', min, max });

const VHH = [
  fixed('QVQLQESGGGLVQAGGSLRLSCAAS'),
  cdr(6, 10),
  fixed('MGWFRQAPGKEREFVA'),
  cdr(5, 9),
  fixed('YADSVKGRFTISRDNAKNTVYLQMNSLKPEDTAVYYCAA'),
  cdr(14, 27),
  fixed('WGQGTQVTVSS'),
];

const VH3 = [fixed('EVQLVESGGGLVQPGGSLRLSCAAS'), cdr(6, 10), fixed('MSWVRQAPGKGLEWVS'), cdr(5, 9), fixed('YADSVKGRFTISRDNSKNTLYLQMNSLRAEDTAVYYCAR'), cdr(8, 20), fixed('WGQGTLVTVSS')];
const VK1 = [fixed('DIQMTQSPSSLSASVGDRVTITC'), cdr(10, 12), fixed('WYQQKPGKAPKLLIY'), cdr(7, 7), fixed('GVPSRFSGSGSGTDFTLTISSLQPEDFATYYC'), cdr(8, 10), fixed('FGQGTKVEIK')];

export const CURATED_BINDERS: Record<'boltz_nanobody' | 'boltz_antibody', CuratedBinder[]> = {
  boltz_nanobody: [{ name: 'vhh-consensus', chains: [{ id: 'B', segments: VHH }] }],
  boltz_antibody: [{ name: 'fv-vh3-vk1', chains: [{ id: 'H', segments: VH3 }, { id: 'L', segments: VK1 }] }],
};
