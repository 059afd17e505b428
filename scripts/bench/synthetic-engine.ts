import { loadChemistry } from '@boltz/chemistry';
import { synthesizeComplex, synthesizeStructureAndBinding } from '@boltz/engines';

/**
 * The synthetic engine's own cost (issue 12: "a 1,000-residue complex in well under a second on
 * one core"): CPU time of one thread computing a 1,000-residue protein with a drug-sized SMILES
 * ligand in its pocket — `synthesizeComplex` alone, and the whole test-mode
 * structure-and-binding result (mmCIF, PAE `.npz`, archive) — and the same protein with a
 * 120-residue binder chain packed against it (a protein design's complex), in this process, not
 * the server's.
 */
const RESIDUES = 1000;
const BINDER_RESIDUES = 120;
const LIGAND = 'CN1CCN(Cc2ccc(cc2)C(=O)Nc2ccc(C)c(Nc3nccc(n3)-c3cccnc3)c2)CC1';
const COMPOSITION = 'AAAAAAAAALLLLLLLLLLGGGGGGGVVVVVVVEEEEEEESSSSSSSIIIIIIKKKKKKRRRRRDDDDDTTTTTPPPPPNNNNQQQQFFFFYYYMMHHCW';

export interface EngineTiming {
  what: string;
  cpuMsMedian: number;
  cpuMsMax: number;
  wallMsMedian: number;
}

function sequence(seed: number, length = RESIDUES): string {
  // A fixed, protein-like sequence per seed (linear congruential: no dependency on the engine's PRNG).
  let state = seed * 2654435761 >>> 0;
  return Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return COMPOSITION[state % COMPOSITION.length];
  }).join('');
}

function time(runs: number, work: (run: number) => void): { cpu: number[]; wall: number[] } {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < runs; run++) {
    const [cpuStart, wallStart] = [process.cpuUsage(), performance.now()];
    work(run);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - wallStart);
  }
  return { cpu, wall };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function measureSyntheticEngine(runs = 5): Promise<EngineTiming[]> {
  const chemistry = await loadChemistry();
  const entities = (run: number) => [
    { type: 'protein' as const, chainIds: ['A'], sequence: sequence(run + 1) },
    { type: 'ligand' as const, chainIds: ['L'], smiles: LIGAND },
  ];
  // Warm-up: JIT compilation and the component table, once.
  synthesizeComplex({ entities: entities(100) }, 'warm-up', chemistry);
  const complex = time(runs, (run) => synthesizeComplex({ entities: entities(run) }, `bench ${run}`, chemistry));
  const prediction = time(runs, (run) =>
    synthesizeStructureAndBinding(
      {
        entities: [
          { type: 'protein', chain_ids: ['A'], value: sequence(run + 1) },
          { type: 'ligand_smiles', chain_ids: ['L'], value: LIGAND },
        ],
        binding: { type: 'ligand_protein_binding', binder_chain_id: 'L' },
      },
      chemistry,
    ),
  );
  const binder = time(runs, (run) =>
    synthesizeComplex(
      { entities: [{ type: 'protein', chainIds: ['A'], sequence: sequence(run + 1) }, { type: 'protein', chainIds: ['B'], sequence: sequence(run + 50, BINDER_RESIDUES) }], binders: ['B'] },
      `bench binder ${run}`,
      chemistry,
    ),
  );
  return [
    { what: `synthesizeComplex, ${RESIDUES} residues + ligand`, cpuMsMedian: median(complex.cpu), cpuMsMax: Math.max(...complex.cpu), wallMsMedian: median(complex.wall) },
    { what: 'structure-and-binding result (+ mmCIF, PAE npz, archive)', cpuMsMedian: median(prediction.cpu), cpuMsMax: Math.max(...prediction.cpu), wallMsMedian: median(prediction.wall) },
    { what: `synthesizeComplex, ${RESIDUES} residues + ${BINDER_RESIDUES}-residue binder, packed`, cpuMsMedian: median(binder.cpu), cpuMsMax: Math.max(...binder.cpu), wallMsMedian: median(binder.wall) },
  ];
}
