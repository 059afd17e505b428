import { writeMmcif, type CifAtom, type CifEntity } from '../mmcif.ts';

/**
 * PDB templates are converted to mmCIF before Boltz sees them (spec/ENGINE.md §5): parsed as PDB,
 * chains may get entity-suffixed names, and then `template_id` would no longer be the API's
 * `template_chain_id`. The conversion keeps the author chain ids (label and auth both set to
 * them), the first model only, ATOM records only (templates guide protein chains; ligands and
 * waters are not used), the first alternate location, and renumbers `label_seq_id` 1…n per chain
 * with the PDB residue numbers kept as `auth_seq_id` (insertion codes are dropped).
 */
export function pdbTemplateToMmcif(pdb: string, name: string): string {
  const atoms: CifAtom[] = [];
  const chains = new Map<string, { entity: CifEntity; residues: string[]; lastKey?: string }>();
  for (const line of pdb.split(/\r?\n/)) {
    if (line.startsWith('ENDMDL')) break;
    if (!line.startsWith('ATOM  ')) continue;
    const altLoc = line[16];
    if (altLoc !== ' ' && altLoc !== 'A' && altLoc !== undefined) continue;
    const atomName = line.slice(12, 16).trim();
    const residueName = line.slice(17, 20).trim();
    const chainId = line[21]?.trim() || 'A';
    const authNumber = Number(line.slice(22, 26));
    const residueKey = line.slice(22, 27);
    let chain = chains.get(chainId);
    if (!chain) {
      chain = { entity: { id: chains.size + 1, type: 'polymer', description: `template chain ${chainId}`, polymer: { type: 'polypeptide(L)', residueNames: [] }, chainIds: [chainId] }, residues: [] };
      chains.set(chainId, chain);
    }
    if (chain.lastKey !== residueKey) {
      chain.lastKey = residueKey;
      chain.residues.push(residueName);
    }
    const element = line.slice(76, 78).trim() || atomName.replace(/[^A-Za-z]/g, '')[0] || 'X';
    atoms.push({
      group: 'ATOM',
      element: element.toUpperCase(),
      atomName,
      residueName,
      chainId,
      entityId: chain.entity.id,
      residueNumber: chain.residues.length,
      authResidueNumber: authNumber,
      polymer: true,
      x: Number(line.slice(30, 38)),
      y: Number(line.slice(38, 46)),
      z: Number(line.slice(46, 54)),
      bFactor: Number(line.slice(60, 66)) || 0,
    });
  }
  const entities = [...chains.values()].map(({ entity, residues }) => ({ ...entity, polymer: { type: entity.polymer!.type, residueNames: residues } }));
  return writeMmcif(name, entities, atoms);
}
