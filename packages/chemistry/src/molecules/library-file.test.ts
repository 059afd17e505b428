import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIBRARY_LIMITS, LibraryFileError, type LibraryFormat, type LibraryRecord, readMoleculeLibrary } from './library-file.ts';

/** The text cut into chunks of `chunkSize` bytes, as a network stream would deliver it. */
async function* chunked(content: string | Buffer, chunkSize: number) {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
}

async function read(content: string | Buffer, format: LibraryFormat, chunkSize = 7, limits = {}) {
  const records: LibraryRecord[] = [];
  const summary = await readMoleculeLibrary(chunked(content, chunkSize), format, (batch) => void records.push(...batch), limits);
  return { records, summary };
}

async function refusal(content: string | Buffer, format: LibraryFormat, limits = {}) {
  try {
    await read(content, format, 5, limits);
  } catch (error) {
    assert.ok(error instanceof LibraryFileError);
    return { code: error.code, line: error.line, message: error.message };
  }
  assert.fail('the library was accepted');
}

describe('explore library files', () => {
  test('CSV with RFC 4180 quoting, CRLF, a BOM, ids and missing ids, in any chunking', async () => {
    const csv = '\uFEFFname,smiles,weight\r\ncpd-1,CCO,46\r\n"cpd ""2""",c1ccccc1,78\r\n,CC(=O)O,60\r\n"multi\nline id","CCN",45\r\ncpd-5,CCO,46';
    for (const chunkSize of [1, 2, 3, 7, 64, 4096]) {
      const { records, summary } = await read(csv, { format: 'csv', id_column: 'name' }, chunkSize);
      assert.deepEqual(records, [
        { index: 0, line: 2, smiles: 'CCO', id: 'cpd-1' },
        { index: 1, line: 3, smiles: 'c1ccccc1', id: 'cpd "2"' },
        { index: 2, line: 4, smiles: 'CC(=O)O', id: '2' },
        { index: 3, line: 5, smiles: 'CCN', id: 'multi\nline id' },
        { index: 4, line: 7, smiles: 'CCO', id: 'cpd-5' },
      ], `chunks of ${chunkSize}`);
      assert.deepEqual(summary, { records: 5, duplicateSmiles: 1, bytes: Buffer.byteLength(csv) });
    }
  });

  test('TSV without quoting; no id column gives record indexes; blank lines are skipped', async () => {
    const tsv = 'SMILES\tnote\nCCO\t"quoted" is text here\n\nCCCl\tx\n';
    const { records } = await read(tsv, { format: 'tsv', smiles_column: 'SMILES' });
    assert.deepEqual(records, [
      { index: 0, line: 2, smiles: 'CCO', id: '0' },
      { index: 1, line: 4, smiles: 'CCCl', id: '1' },
    ]);
  });

  test('without id_column an `id` column is used when the header has one (the SDK’s rule); blank ids are record indexes', async () => {
    const { records } = await read('smiles,id\nCCO,ethanol\nCCN,\n', { format: 'csv' });
    assert.deepEqual(records.map((r) => r.id), ['ethanol', '1']);
    const { records: named } = await read('smiles,id,name\nCCO,x,ethanol\n', { format: 'csv', id_column: 'name' });
    assert.equal(named[0].id, 'ethanol');
  });

  test('UTF-8 ids survive chunk boundaries inside multi-byte characters', async () => {
    const { records } = await read('smiles,id\nCCO,éthanol-β\n', { format: 'csv', id_column: 'id' }, 1);
    assert.equal(records[0].id, 'éthanol-β');
  });

  test('refusals name the problem and the line', async () => {
    assert.deepEqual(await refusal('SMILES,id\nCCO,1\n', { format: 'csv' }), {
      code: 'missing_column', line: 1, message: 'line 1: no column "smiles" (smiles_column) in the header: "SMILES", "id"',
    });
    assert.equal((await refusal('smiles\nCCO\n', { format: 'csv', id_column: 'id' })).code, 'missing_column');
    assert.deepEqual(await refusal(Buffer.concat([Buffer.from('smiles,id\nCCO,1\nCCN,'), Buffer.of(0xff, 0xfe), Buffer.from('\n')]), { format: 'csv' }), {
      code: 'bad_encoding', line: 3, message: 'line 3: not valid UTF-8',
    });
    assert.deepEqual(await refusal('smiles,id\nCCO,1\nCCN,"2\nCCC,3\n', { format: 'csv' }), {
      code: 'bad_quoting', line: 3, message: 'line 3: a quoted field is not closed before the end of the file',
    });
    assert.equal((await refusal('smiles,id\nCCO,"1"x\n', { format: 'csv' })).line, 2);
    assert.equal((await refusal('smiles,id\nCCO,1"\n', { format: 'csv' })).code, 'bad_quoting');
    assert.deepEqual(await refusal('smiles,id\nCCO,1\nCCN\n', { format: 'csv' }), { code: 'bad_record', line: 3, message: 'line 3: 1 fields where the header has 2' });
    assert.deepEqual(await refusal(`smiles,id\nCCO,${'x'.repeat(1025)}\n`, { format: 'csv', id_column: 'id' }), {
      code: 'id_too_long', line: 2, message: 'line 2: id longer than 1024 bytes',
    });
    assert.equal((await refusal('smiles\nC\nCC\nCCC\n', { format: 'csv' }, { maxRecords: 2 })).line, 4);
    assert.equal((await refusal('smiles\nC\nCC\nCCC\n', { format: 'csv' }, { maxBytes: 10 })).code, 'too_large');
    assert.equal((await refusal('', { format: 'csv' })).code, 'empty_file');
    assert.equal((await refusal('smiles,smiles\nC,C\n', { format: 'csv' })).code, 'missing_column');
  });

  test('the limits are the API’s', () => {
    assert.deepEqual(LIBRARY_LIMITS, { maxBytes: 375 * 1024 * 1024, maxRecords: 5_000_000, maxIdBytes: 1024, maxRecordBytes: 1024 * 1024 });
  });
});
