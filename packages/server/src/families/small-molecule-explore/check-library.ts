import { LibraryFileError, readMoleculeLibrary } from '@boltz/chemistry';
import { EXPLORE_LIBRARY_PATH, type JobInput } from '@boltz/engines';
import type { ErrorDetails } from '../../errors.ts';
import type { StreamedInputFile } from '../family.ts';

type Input = JobInput<'small_molecule_explore'>;

/**
 * What can be told of an explore library before the run (spec/API.md §10), reading it in one
 * streaming pass from storage without chemistry (packages/chemistry library-file.ts): UTF-8, within 375 MiB
 * and 5,000,000 records, the columns present, quoting sound, ids within 1,024 bytes — each
 * problem with its line — and `budget` at most the records left after exact repeats. Invalid,
 * filtered and chemically identical molecules are only known once the run prepares the library
 * (its `rejection_summary`); a budget above what remains then scores all of it.
 */
export async function checkLibrary(input: Input, file: StreamedInputFile | undefined): Promise<ErrorDetails> {
  if (!file) return { [EXPLORE_LIBRARY_PATH]: 'is missing' };
  const { library } = input;
  try {
    const summary = await readMoleculeLibrary(file.chunks(), { format: library.format, smiles_column: library.smiles_column, id_column: library.id_column }, () => {});
    const distinct = summary.records - summary.duplicateSmiles;
    if (input.budget > distinct) {
      return { budget: `is ${input.budget}, but the library has ${distinct} distinct records (${summary.records} in all, ${summary.duplicateSmiles} exact repeats); the budget may not exceed the library` };
    }
    return {};
  } catch (error) {
    if (!(error instanceof LibraryFileError)) throw error;
    const path =
      error.code !== 'missing_column' ? EXPLORE_LIBRARY_PATH : error.message.includes('(id_column)') ? 'library.id_column' : 'library.smiles_column';
    return { [path]: error.message };
  }
}

export const LIBRARY_MEDIA_TYPE = { csv: 'text/csv', tsv: 'text/tab-separated-values' } as const;
