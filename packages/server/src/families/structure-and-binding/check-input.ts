import { type Chemistry, MAX_SMILES_ATOMS, type MappedAtom, lookupCcd, smilesAtomCount, smilesAtomMaps, smilesHeavyAtomCount } from '@boltz/chemistry';
import type { ErrorDetails } from '../../errors.ts';
import { type FileInputValue, MSA_MEDIA_TYPES } from '../common/file-input.ts';
import type { StructureAndBindingInput } from './input-schema.ts';
import { countTokens, heavyAtomsPerCopy } from './tokens.ts';

/**
 * The content rules of a structure-and-binding input that its schema cannot express
 * (spec/API.md §8.1; 422 `VALIDATION_ERROR`). Every problem is reported, keyed by input path
 * (`input.entities[1].chain_ids[0]`), with a message that says what to change. An empty result
 * means the input is valid.
 *
 * Decisions where the spec is silent:
 * - Protein letters: the 20 standard amino acids and X (unknown residue), upper case. Selenocysteine
 *   and other non-standard residues are written as their parent letter plus a CCD modification.
 * - Chain IDs: 1–4 letters or digits, the mmCIF convention the engines and viewers handle.
 * - CCD codes: 1–5 upper-case letters or digits, and listed in the shipped component table
 *   (packages/chemistry/src/ccd.ts, 11,465 components); an unknown code is refused with its name,
 *   never turned into a made-up ligand.
 * - SMILES ligands: at most MAX_SMILES_ATOMS atoms (packages/chemistry/src/smiles-size.ts: larger
 *   ones cannot be parsed safely), so in practice the 2048-heavy-atom binder limit applies to none.
 * - At most MAX_STRUCTURE_TOKENS tokens per request (below).
 * - A glycan is one connected graph of residues. Pocket residues sit on polymer chains other than
 *   the binder. A bond or contact may not join an atom or residue to itself.
 */
export const MAX_LIGAND_BINDER_HEAVY_ATOMS = 2048;
/**
 * Our cap on the size of one complex, in pricing tokens (tokens.ts). The spec names none; 5000 is
 * the cap of comparable hosted structure predictors and about what one large GPU can fold, and it
 * keeps a single request from occupying an engine (and the synthetic engine's token × token PAE
 * matrices) without bound.
 */
export const MAX_STRUCTURE_TOKENS = 5000;

type Input = StructureAndBindingInput;
type Entity = Input['entities'][number];
type EntityType = Entity['type'];
type BondAtom = NonNullable<Input['bonds']>[number]['atom1'];
type ContactToken = Extract<NonNullable<Input['constraints']>[number], { type: 'contact' }>['token1'];

const RESIDUE_LETTERS: Record<'protein' | 'rna' | 'dna', { letters: string; hint: string }> = {
  protein: { letters: 'ACDEFGHIKLMNPQRSTVWYX', hint: 'the 20 standard one-letter amino-acid codes, or X for an unknown residue' },
  rna: { letters: 'ACGUN', hint: 'A, C, G, U, or N for an unknown nucleotide' },
  dna: { letters: 'ACGTN', hint: 'A, C, G, T, or N for an unknown nucleotide' },
};

// CCD component of each residue letter, for checking polymer atom names.
const AMINO_ACID_CODES: Record<string, string> = {
  A: 'ALA', C: 'CYS', D: 'ASP', E: 'GLU', F: 'PHE', G: 'GLY', H: 'HIS', I: 'ILE', K: 'LYS', L: 'LEU',
  M: 'MET', N: 'ASN', P: 'PRO', Q: 'GLN', R: 'ARG', S: 'SER', T: 'THR', V: 'VAL', W: 'TRP', Y: 'TYR',
};
const residueCode = (type: 'protein' | 'rna' | 'dna', letter: string) =>
  type === 'protein' ? AMINO_ACID_CODES[letter] : type === 'dna' ? `D${letter}` : letter;

const CHAIN_ID = /^[A-Za-z0-9]{1,4}$/;
const CCD_CODE = /^[A-Z0-9]{1,5}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MAX_LABEL_LENGTH = 4;

const POLYMERS: readonly EntityType[] = ['protein', 'rna', 'dna'];
const LIGANDS: readonly EntityType[] = ['ligand_ccd', 'ligand_smiles'];
const ANY_TYPE: readonly EntityType[] = ['protein', 'rna', 'dna', 'ligand_ccd', 'ligand_smiles', 'glycan'];

const TYPE_NAMES: Record<EntityType, string> = {
  protein: 'a protein',
  rna: 'an RNA',
  dna: 'a DNA',
  ligand_ccd: 'a CCD ligand',
  ligand_smiles: 'a SMILES ligand',
  glycan: 'a glycan',
};

interface Chain {
  id: string;
  entityIndex: number;
  entity: Entity;
}

type Polymer = Extract<Entity, { type: 'protein' | 'rna' | 'dna' }>;

const isPolymer = (entity: Entity): entity is Polymer => POLYMERS.includes(entity.type);
const list = (items: readonly (string | number)[], max = 12) =>
  items.length > max ? `${items.slice(0, max).join(', ')}, … (${items.length} in all)` : items.join(', ');
const keyPath = (key: string) => (/^[A-Za-z0-9_]+$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

export function checkStructureAndBindingInput(input: Input, chemistry: Chemistry): ErrorDetails {
  return new InputCheck(input, chemistry).run();
}

class InputCheck {
  private readonly details: ErrorDetails = {};
  private readonly chains = new Map<string, Chain>();
  /** Entity index → atom-mapped atoms of its SMILES; absent when the SMILES does not parse. */
  private readonly mappedAtoms = new Map<number, MappedAtom[]>();

  constructor(
    private readonly input: Input,
    private readonly chemistry: Chemistry,
  ) {}

  run(): ErrorDetails {
    this.collectChains();
    // An oversized request is answered before RDKit parses anything: that is what bounds the
    // work one request can cause here.
    if (!this.checkSize()) return this.details;
    this.input.entities.forEach((entity, index) => this.checkEntity(entity, index));
    this.checkMsaModes();
    this.checkRepeatedSequences();
    this.checkBinding();
    this.input.bonds?.forEach((bond, index) => this.checkBond(bond, `input.bonds[${index}]`));
    this.input.constraints?.forEach((constraint, index) => this.checkConstraint(constraint, `input.constraints[${index}]`));
    this.input.templates?.forEach((template, index) => this.checkTemplate(template, `input.templates[${index}]`));
    return this.details;
  }

  private report(path: string, message: string): void {
    this.details[path] ??= message;
  }

  // ── Chains ────────────────────────────────────────────────────────────────────────────

  private collectChains(): void {
    const firstPath = new Map<string, string>();
    this.input.entities.forEach((entity, entityIndex) => {
      entity.chain_ids.forEach((id, j) => {
        const path = `input.entities[${entityIndex}].chain_ids[${j}]`;
        if (!CHAIN_ID.test(id)) return this.report(path, 'must be 1–4 letters or digits, e.g. "A" or "L1"');
        const first = firstPath.get(id);
        if (first) return this.report(path, `repeats chain ID "${id}" of ${first}; chain IDs are unique across the request`);
        firstPath.set(id, path);
        this.chains.set(id, { id, entityIndex, entity });
      });
    });
  }

  /**
   * The chain a reference names, if it exists and is of an allowed type; otherwise reports why
   * not at `path` (`needs` completes "… <needs>", e.g. "a polymer_atom needs a protein, RNA or DNA chain").
   */
  private chainAt(path: string, id: string, allowed: readonly EntityType[], needs: string): Chain | undefined {
    const chain = this.chains.get(id);
    if (!chain) {
      this.report(path, `names no chain of this request (chains: ${list([...this.chains.keys()])})`);
      return undefined;
    }
    if (!allowed.includes(chain.entity.type)) {
      this.report(path, `chain ${id} is ${TYPE_NAMES[chain.entity.type]} (input.entities[${chain.entityIndex}]); ${needs}`);
      return undefined;
    }
    return chain;
  }

  private residueInRange(path: string, chain: Chain, index: number): boolean {
    const length = (chain.entity as Polymer).value.length;
    if (index < length) return true;
    this.report(path, `is ${index}, but chain ${chain.id} has ${length} residues (0-based indices 0–${length - 1})`);
    return false;
  }

  // ── Entities ──────────────────────────────────────────────────────────────────────────

  private checkEntity(entity: Entity, index: number): void {
    const path = `input.entities[${index}]`;
    switch (entity.type) {
      case 'protein':
      case 'rna':
      case 'dna':
        this.checkSequence(entity, path);
        this.checkModifications(entity, path);
        if (entity.type === 'protein' && entity.msa?.type === 'custom') {
          const expected = MSA_MEDIA_TYPES[entity.msa.format];
          const source = entity.msa.source;
          if (source.type === 'base64' && source.media_type !== expected) {
            this.report(`${path}.msa.source.media_type`, `must be ${expected} for an MSA of format "${entity.msa.format}"`);
          }
          this.checkFile(source, `${path}.msa.source`);
        }
        return;
      case 'ligand_ccd':
        this.checkCcdCode(entity.value, `${path}.value`);
        return;
      case 'ligand_smiles': {
        const atoms = smilesAtomCount(entity.value);
        if (atoms > MAX_SMILES_ATOMS) this.report(`${path}.value`, `writes ${atoms} atoms; a SMILES ligand has at most ${MAX_SMILES_ATOMS} atoms on this server`);
        else if (this.chemistry.heavyAtomCount(entity.value) === null) this.report(`${path}.value`, 'is not a SMILES that RDKit can parse; check brackets, ring-closure digits and valences');
        else this.mappedAtoms.set(index, smilesAtomMaps(entity.value));
        return;
      }
      case 'glycan':
        this.checkGlycan(entity, path);
        return;
    }
  }

  private checkSequence(entity: Polymer, path: string): void {
    const { letters, hint } = RESIDUE_LETTERS[entity.type];
    // A regex scan allocates nothing per letter: sequences may be megabytes long.
    const shown: string[] = [];
    let count = 0;
    let lowerCase = false;
    for (const match of entity.value.matchAll(new RegExp(`[^${letters}]`, 'gu'))) {
      count += 1;
      if (shown.length < 3) shown.push(`"${match[0]}" at index ${match.index}`);
      lowerCase ||= letters.includes(match[0].toUpperCase());
    }
    if (count === 0) return;
    const kind = entity.type === 'protein' ? 'amino acids' : `${entity.type.toUpperCase()} nucleotides`;
    const more = count > shown.length ? `, … (${count} in all)` : '';
    this.report(`${path}.value`, `has letters that are not ${kind}: ${shown.join(', ')}${more}; use ${hint}${lowerCase ? ' (upper case)' : ''}`);
  }

  private checkModifications(entity: Polymer, path: string): void {
    const modifiedAt = new Map<number, number>();
    entity.modifications?.forEach((modification, k) => {
      const modPath = `${path}.modifications[${k}]`;
      this.checkCcdCode(modification.value, `${modPath}.value`, ' (SMILES modifications are not supported)');
      const length = entity.value.length;
      if (modification.residue_index >= length) {
        this.report(`${modPath}.residue_index`, `is ${modification.residue_index}, but the sequence has ${length} residues (0-based indices 0–${length - 1})`);
        return;
      }
      const earlier = modifiedAt.get(modification.residue_index);
      if (earlier !== undefined) this.report(`${modPath}.residue_index`, `residue ${modification.residue_index} is already modified by ${path}.modifications[${earlier}]`);
      else modifiedAt.set(modification.residue_index, k);
    });
  }

  private checkCcdCode(code: string, path: string, note = ''): boolean {
    if (!CCD_CODE.test(code)) {
      this.report(path, `must be a CCD code: 1–5 upper-case letters or digits, e.g. "ATP" or "SEP"${note}`);
      return false;
    }
    if (lookupCcd(code)) return true;
    this.report(path, `"${code}" is not a known CCD component on this server; use a code of the wwPDB Chemical Component Dictionary (e.g. "ATP", "SEP", "NAG") or give the ligand as SMILES`);
    return false;
  }

  private checkGlycan(entity: Extract<Entity, { type: 'glycan' }>, path: string): void {
    const residues = new Map<string, string>();
    entity.residues.forEach((residue, k) => {
      this.checkCcdCode(residue.ccd, `${path}.residues[${k}].ccd`);
      if (residues.has(residue.id)) this.report(`${path}.residues[${k}].id`, `repeats residue ID "${residue.id}"; residue IDs are unique within a glycan`);
      else residues.set(residue.id, residue.ccd);
    });

    // Union–find over the bonds, to tell whether the residues form one molecule.
    const parent = new Map([...residues.keys()].map((id) => [id, id]));
    const root = (id: string): string => (parent.get(id) === id ? id : root(parent.get(id)!));
    entity.bonds.forEach((bond, b) => {
      const bondPath = `${path}.bonds[${b}]`;
      const ends = (['atom1', 'atom2'] as const).map((end) => {
        const atom = bond[end];
        const ccd = residues.get(atom.residue_id);
        if (ccd === undefined) {
          this.report(`${bondPath}.${end}.residue_id`, `names no residue of this glycan (residues: ${list([...residues.keys()])})`);
          return undefined;
        }
        this.checkCcdAtomName(ccd, atom.atom_id, `${bondPath}.${end}.atom_id`);
        return atom.residue_id;
      });
      const [first, second] = ends;
      if (first === undefined || second === undefined) return;
      if (first === second) this.report(bondPath, `joins residue "${first}" to itself; an internal bond joins two different residues`);
      else parent.set(root(first), root(second));
    });
    const ids = [...residues.keys()];
    const loose = ids.filter((id) => root(id) !== root(ids[0]));
    if (loose.length > 0) {
      this.report(`${path}.bonds`, `leave residue${loose.length > 1 ? 's' : ''} ${list(loose)} unconnected to "${ids[0]}"; a glycan is one connected graph of residues`);
    }
  }

  /** Atom names are checked against the CCD entries the embedded table knows (see the decisions above). */
  private checkCcdAtomName(code: string, atomName: string, path: string): void {
    const component = lookupCcd(code);
    if (!component || component.atoms.some((atom) => atom.name === atomName)) return;
    this.report(path, `is not an atom of ${code}; its heavy atoms are ${list(component.atoms.map((atom) => atom.name), 60)}`);
  }

  private checkSize(): boolean {
    // SMILES atoms counted from the text: the same number RDKit gives, without parsing.
    const tokens = countTokens(this.input, smilesHeavyAtomCount);
    if (tokens <= MAX_STRUCTURE_TOKENS) return true;
    this.report(
      'input.entities',
      `add up to ${tokens} tokens (polymer residues plus ligand and glycan heavy atoms, over all copies); at most ${MAX_STRUCTURE_TOKENS} are accepted`,
    );
    return false;
  }

  // ── MSAs (spec/API.md §8.1) ──────────────────────────────────────────────────────────

  private checkMsaModes(): void {
    const proteins = this.input.entities.flatMap((entity, index) => (entity.type === 'protein' ? [{ entity, index }] : []));
    const custom = proteins.find(({ entity }) => entity.msa?.type === 'custom');
    if (!custom) return;
    for (const { entity, index } of proteins) {
      if (entity.msa) continue;
      this.report(
        `input.entities[${index}].msa`,
        `is missing, but input.entities[${custom.index}] has a custom MSA: automatic and custom MSAs cannot be mixed; give this protein a custom MSA or {"type": "empty"}`,
      );
    }
  }

  /** Copies of one sequence are one entity with several chain IDs; the engine merges repeats and would silently keep only the first one's settings. */
  private checkRepeatedSequences(): void {
    const firstOfSequence = new Map<string, { entity: Polymer; index: number }>();
    this.input.entities.forEach((entity, index) => {
      if (!isPolymer(entity)) return;
      const key = `${entity.type}:${entity.value}`;
      const first = firstOfSequence.get(key);
      if (!first) return void firstOfSequence.set(key, { entity, index });
      const same = `declares the same ${entity.type === 'protein' ? 'protein' : entity.type.toUpperCase()} sequence as input.entities[${first.index}]`;
      const fix = `declare the copies as chain_ids of one entity`;
      const path = `input.entities[${index}]`;
      if (canonical(modificationSet(entity)) !== canonical(modificationSet(first.entity))) {
        this.report(`${path}.modifications`, `${same} with different modifications; ${fix}`);
      }
      if (entity.type === 'protein' && first.entity.type === 'protein' && canonical(entity.msa ?? null) !== canonical(first.entity.msa ?? null)) {
        this.report(`${path}.msa`, `${same} with a different MSA; copies of one sequence share one MSA: ${fix}`);
      }
      if ((entity.cyclic ?? false) !== (first.entity.cyclic ?? false)) this.report(`${path}.cyclic`, `${same} with a different cyclic setting; ${fix}`);
    });
  }

  // ── Binding (spec/API.md §8.1 `binding`) ─────────────────────────────────────────────

  private checkBinding(): void {
    const binding = this.input.binding;
    if (!binding) return;
    if (binding.type === 'ligand_protein_binding') {
      const path = 'input.binding.binder_chain_id';
      const binder = this.chainAt(path, binding.binder_chain_id, LIGANDS, 'the binder of ligand_protein_binding is a ligand (use protein_protein_binding for protein binders)');
      if (binder) {
        const copies = binder.entity.chain_ids;
        if (copies.length > 1) {
          this.report(path, `is one of ${copies.length} copies (${list(copies)}) of input.entities[${binder.entityIndex}]; the ligand binder must have exactly one copy: declare it as an entity of its own`);
        }
        const heavyAtoms = heavyAtomsPerCopy(binder.entity, (smiles) => this.chemistry.heavyAtomCount(smiles)) ?? 0;
        if (heavyAtoms > MAX_LIGAND_BINDER_HEAVY_ATOMS) this.report(path, `has ${heavyAtoms} heavy atoms; a ligand binder has at most ${MAX_LIGAND_BINDER_HEAVY_ATOMS}`);
      }
      this.input.entities.forEach((entity, index) => {
        if (entity.type !== 'protein' && !LIGANDS.includes(entity.type)) {
          this.report(`input.entities[${index}].type`, `is "${entity.type}"; ligand_protein_binding is for requests of proteins and ligands only`);
        }
      });
      if (!this.input.entities.some((entity) => entity.type === 'protein')) {
        this.report('input.binding', 'needs a protein target for ligand_protein_binding, and the request has no protein');
      }
      return;
    }
    const binders = new Set<string>();
    binding.binder_chain_ids.forEach((id, k) => {
      const path = `input.binding.binder_chain_ids[${k}]`;
      if (binders.has(id)) return this.report(path, `repeats chain ${id}`);
      if (this.chainAt(path, id, ['protein'], 'protein_protein_binding binders are protein chains')) binders.add(id);
    });
    const targets = [...this.chains.values()].filter((chain) => chain.entity.type === 'protein' && !binding.binder_chain_ids.includes(chain.id));
    if (targets.length === 0) {
      this.report('input.binding.binder_chain_ids', 'leave no protein chain as target; at least one protein chain must not be a binder');
    }
  }

  // ── Bonds ─────────────────────────────────────────────────────────────────────────────

  private checkBond(bond: NonNullable<Input['bonds']>[number], path: string): void {
    const ok1 = this.checkBondAtom(bond.atom1, `${path}.atom1`);
    const ok2 = this.checkBondAtom(bond.atom2, `${path}.atom2`);
    if (!ok1 || !ok2) return;
    if (canonical(bond.atom1) === canonical(bond.atom2)) return this.report(path, 'bonds an atom to itself');
    if (bond.atom1.type === 'ccd_atom' && bond.atom2.type === 'ccd_atom' && bond.atom1.chain_id === bond.atom2.chain_id) {
      const glycan = this.chains.get(bond.atom1.chain_id)!;
      this.report(path, `joins two residues of glycan chain ${glycan.id}; internal glycan bonds belong in input.entities[${glycan.entityIndex}].bonds`);
    }
  }

  /** True when the atom reference resolves; otherwise the problems are reported. */
  private checkBondAtom(atom: BondAtom, path: string): boolean {
    const errorsBefore = Object.keys(this.details).length;
    switch (atom.type) {
      case 'polymer_atom': {
        const chain = this.chainAt(`${path}.chain_id`, atom.chain_id, POLYMERS, 'a polymer_atom is on a protein, RNA or DNA chain');
        if (chain && this.residueInRange(`${path}.residue_index`, chain, atom.residue_index)) {
          const entity = chain.entity as Polymer;
          const modification = entity.modifications?.find((m) => m.residue_index === atom.residue_index);
          const code = modification?.value ?? residueCode(entity.type, entity.value[atom.residue_index]);
          if (code) this.checkCcdAtomName(code, atom.atom_name, `${path}.atom_name`);
        }
        break;
      }
      case 'ccd_atom': {
        const chain = this.chainAt(`${path}.chain_id`, atom.chain_id, ['glycan'], 'a ccd_atom is on a glycan chain (use ligand_atom for a CCD ligand)');
        if (chain?.entity.type !== 'glycan') break;
        const residue = chain.entity.residues.find((r) => r.id === atom.residue_id);
        if (!residue) this.report(`${path}.residue_id`, `names no residue of glycan chain ${chain.id} (residues: ${list(chain.entity.residues.map((r) => r.id))})`);
        else this.checkCcdAtomName(residue.ccd, atom.atom_id, `${path}.atom_id`);
        break;
      }
      case 'smiles_atom': {
        const chain = this.chainAt(`${path}.chain_id`, atom.chain_id, ['ligand_smiles'], 'a smiles_atom is on a SMILES ligand (use ligand_atom for a CCD ligand)');
        const mapped = chain && this.mappedAtoms.get(chain.entityIndex);
        if (!chain || !mapped) break;
        const matches = mapped.filter((m) => m.atomMap === atom.atom_map);
        if (matches.length === 0) {
          const maps = mapped.map((m) => m.atomMap);
          this.report(`${path}.atom_map`, `does not occur in the SMILES of chain ${chain.id} (${maps.length ? `its atom maps: ${list(maps)}` : 'it has no atom maps; write the atom as e.g. [C:1]'})`);
        } else if (matches.length > 1) {
          this.report(`${path}.atom_map`, `occurs ${matches.length} times in the SMILES of chain ${chain.id}; atom maps that are referenced must be unique`);
        }
        break;
      }
      case 'ligand_atom': {
        const chain = this.chainAt(`${path}.chain_id`, atom.chain_id, LIGANDS, 'a ligand_atom is on a CCD or SMILES ligand (use polymer_atom or ccd_atom otherwise)');
        if (chain) this.checkLigandAtomName(chain, atom.atom_name, `${path}.atom_name`);
        break;
      }
    }
    return Object.keys(this.details).length === errorsBefore;
  }

  /** A CCD ligand's atom name, or a SMILES ligand's atom-map label (`[C:1]` → `C1`). */
  private checkLigandAtomName(chain: Chain, atomName: string, path: string): void {
    const entity = chain.entity;
    if (entity.type === 'ligand_ccd') return this.checkCcdAtomName(entity.value, atomName, path);
    const mapped = this.mappedAtoms.get(chain.entityIndex);
    if (!mapped) return; // the SMILES itself is already reported
    const labels = mapped.map((m) => m.label);
    const matches = labels.filter((label) => label === atomName.toUpperCase());
    if (matches.length === 0) {
      this.report(path, labels.length
        ? `matches no atom-map label of the SMILES of chain ${chain.id} (labels: ${list(labels)})`
        : `cannot name an atom of chain ${chain.id}: its SMILES has no atom maps; write the atom as e.g. [C:1] and refer to it as C1`);
    } else if (matches.length > 1) {
      this.report(path, `is the label of ${matches.length} atoms of chain ${chain.id}; atom-map labels must be unique`);
    } else if (atomName.length > MAX_LABEL_LENGTH) {
      this.report(path, `is longer than ${MAX_LABEL_LENGTH} characters; use a smaller atom-map number`);
    }
  }

  // ── Constraints ───────────────────────────────────────────────────────────────────────

  private checkConstraint(constraint: NonNullable<Input['constraints']>[number], path: string): void {
    if (constraint.type === 'pocket') {
      const binder = this.chainAt(`${path}.binder_chain_id`, constraint.binder_chain_id, ANY_TYPE, '');
      for (const [chainId, indices] of Object.entries(constraint.contact_residues)) {
        const residuesPath = `${path}.contact_residues${keyPath(chainId)}`;
        if (binder && chainId === binder.id) {
          this.report(residuesPath, `is the binder itself; pocket residues are on the chains the binder should contact`);
          continue;
        }
        const chain = this.chainAt(residuesPath, chainId, POLYMERS, 'pocket residues are on protein, RNA or DNA chains');
        if (chain) indices.forEach((index, n) => this.residueInRange(`${residuesPath}[${n}]`, chain, index));
      }
      return;
    }
    const ok1 = this.checkContactToken(constraint.token1, `${path}.token1`);
    const ok2 = this.checkContactToken(constraint.token2, `${path}.token2`);
    if (ok1 && ok2 && canonical(constraint.token1) === canonical(constraint.token2)) this.report(path, 'token1 and token2 are the same; a contact joins two different residues or atoms');
  }

  private checkContactToken(token: ContactToken, path: string): boolean {
    const errorsBefore = Object.keys(this.details).length;
    if (token.type === 'polymer_contact') {
      const chain = this.chainAt(`${path}.chain_id`, token.chain_id, POLYMERS, 'a polymer_contact is on a protein, RNA or DNA chain (use ligand_contact for ligands)');
      if (chain) this.residueInRange(`${path}.residue_index`, chain, token.residue_index);
    } else {
      const chain = this.chainAt(`${path}.chain_id`, token.chain_id, LIGANDS, 'a ligand_contact is on a CCD or SMILES ligand (use polymer_contact for polymers)');
      if (chain) this.checkLigandAtomName(chain, token.atom_name, `${path}.atom_name`);
    }
    return Object.keys(this.details).length === errorsBefore;
  }

  // ── Templates and files ───────────────────────────────────────────────────────────────

  private checkTemplate(template: NonNullable<Input['templates']>[number], path: string): void {
    this.checkFile(template.template_structure, `${path}.template_structure`);
    const inputChains = new Map<string, number>();
    const templateChains = new Map<string, number>();
    template.template_chains.forEach((mapping, k) => {
      const mappingPath = `${path}.template_chains[${k}]`;
      const earlierInput = inputChains.get(mapping.input_chain_id);
      if (earlierInput !== undefined) {
        this.report(`${mappingPath}.input_chain_id`, `maps chain ${mapping.input_chain_id} again (already in ${path}.template_chains[${earlierInput}]); each chain at most once per template`);
      } else {
        inputChains.set(mapping.input_chain_id, k);
        this.chainAt(`${mappingPath}.input_chain_id`, mapping.input_chain_id, ['protein'], 'templates guide protein chains only');
      }
      const earlierTemplate = templateChains.get(mapping.template_chain_id);
      if (earlierTemplate !== undefined) {
        this.report(`${mappingPath}.template_chain_id`, `maps template chain ${mapping.template_chain_id} again (already in ${path}.template_chains[${earlierTemplate}]); each chain at most once per template`);
      } else {
        templateChains.set(mapping.template_chain_id, k);
      }
    });
  }

  private checkFile(file: FileInputValue, path: string): void {
    if (file.type === 'url') {
      let protocol: string | undefined;
      try {
        protocol = new URL(file.url).protocol;
      } catch {
        protocol = undefined;
      }
      if (protocol !== 'http:' && protocol !== 'https:') this.report(`${path}.url`, 'must be an http or https URL');
      return;
    }
    const data = file.data.replace(/\s+/g, '');
    if (!BASE64.test(data) || data.replace(/=+$/, '').length % 4 === 1) this.report(`${path}.data`, 'is not valid base64');
  }
}

/** Modifications as a set: order in the request does not matter. */
function modificationSet(entity: Polymer): string[] {
  return (entity.modifications ?? []).map((m) => `${m.residue_index}:${m.value}`).sort();
}

/** JSON with sorted keys, so that equal objects written in different key orders compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
