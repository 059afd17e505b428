import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentMatches, sniffMediaType } from './media-types.ts';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('contentMatches', () => {
  it('reads an mmCIF header after comments and blank lines, and refuses a PDB declared as mmCIF', () => {
    assert.ok(contentMatches(bytes('# written by a tool\r\n\r\ndata_1CRN\n_entry.id 1CRN\n'), 'chemical/x-cif'));
    assert.ok(!contentMatches(bytes('ATOM      1  N   THR A   1      17.047  14.099   3.625\n'), 'chemical/x-cif'));
  });

  it('takes an A3M by its first header and sequence line, however long the alignment', () => {
    const alignment = `#comment\r\n>query\r\nMKTAYIAKQR\r\n${'>hit\nMKT-YIAkqR\n'.repeat(300_000)}`;
    assert.ok(contentMatches(bytes(alignment), 'text/x-a3m'));
    assert.ok(!contentMatches(bytes('>query\n'), 'text/x-a3m'), 'a header alone is not an alignment');
    assert.ok(!contentMatches(bytes('MKTAYIAKQR\n>query\n'), 'text/x-a3m'), 'the sequence before its header');
    assert.ok(!contentMatches(bytes('>query\nMKT AYI\n'), 'text/x-a3m'), 'spaces inside a sequence line');
  });

  it('refuses bytes that are not UTF-8 text, or carry NUL bytes', () => {
    assert.ok(!contentMatches(Buffer.concat([bytes('>query\n'), Buffer.from([0xc3, 0x28]), bytes('\nMKT\n')]), 'text/x-a3m'));
    assert.ok(!contentMatches(bytes('data_1CRN\n\u0000'), 'chemical/x-cif'));
    assert.ok(!contentMatches(bytes('id,smiles\n1,C\u0000'), 'text/csv'));
  });

  it('sniffs the type of a URL input among the allowed ones', () => {
    const pdb = bytes('HEADER    PLANT PROTEIN\nATOM      1  N   THR A   1      17.047  14.099   3.625\n');
    assert.equal(sniffMediaType(pdb, ['chemical/x-cif', 'chemical/x-pdb']), 'chemical/x-pdb');
    assert.equal(sniffMediaType(bytes('data_x\n'), ['chemical/x-cif', 'chemical/x-pdb']), 'chemical/x-cif');
    assert.equal(sniffMediaType(bytes('hello'), ['chemical/x-cif', 'chemical/x-pdb']), undefined);
  });
});
