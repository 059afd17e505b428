import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorObject } from 'ajv';
import { newAjv, validationFailure } from '../../plugins/validation.ts';
import { structureAndBindingFileInputs } from '../structure-and-binding/file-inputs.ts';
import { FileInput } from './file-input.ts';
import { STRUCTURE_AND_BINDING_EXAMPLES, crambinWithTemplates } from '../structure-and-binding/examples.ts';

describe('structureAndBindingFileInputs', () => {
  it('lists custom MSAs and templates by input path, with the media types each may have', () => {
    const input = structuredClone(crambinWithTemplates) as any;
    input.entities.push(
      { type: 'protein', chain_ids: ['B'], value: 'MKTAYIAKQR', msa: { type: 'empty' } },
      { type: 'protein', chain_ids: ['C'], value: 'GSHMAS', msa: { type: 'custom', format: 'csv', source: { type: 'url', url: 'https://example.org/c.csv' } } },
    );
    input.templates.push({ template_structure: { type: 'url', url: 'https://example.org/model.cif?download=1' }, template_chains: [{ input_chain_id: 'B', template_chain_id: 'A' }] });
    const found = structureAndBindingFileInputs(input);
    assert.deepEqual(
      found.map(({ path, file, allowedMediaTypes }) => ({ path, type: file.type, allowedMediaTypes })),
      [
        { path: 'input.entities[0].msa', type: 'base64', allowedMediaTypes: ['text/x-a3m'] },
        { path: 'input.entities[2].msa', type: 'url', allowedMediaTypes: ['text/csv'] },
        { path: 'input.templates[0].template_structure', type: 'base64', allowedMediaTypes: ['chemical/x-cif'] },
        { path: 'input.templates[1].template_structure', type: 'url', allowedMediaTypes: ['chemical/x-pdb', 'chemical/x-cif'] },
        { path: 'input.templates[2].template_structure', type: 'url', allowedMediaTypes: ['chemical/x-cif', 'chemical/x-pdb'] },
      ],
    );
    assert.equal(found[0].file, input.entities[0].msa.source);
  });

  it('finds nothing in requests without files, nor in ADME requests', () => {
    const { crambinWithTemplates: _withFiles, ...withoutFiles } = STRUCTURE_AND_BINDING_EXAMPLES;
    for (const [name, input] of Object.entries(withoutFiles)) assert.deepEqual(structureAndBindingFileInputs(input), [], name);
  });
});

describe('FileInput', () => {
  const validate = newAjv(false).compile(FileInput);
  const firstProblem = (value: unknown) => (validate(value) ? undefined : validationFailure(validate.errors as ErrorObject[], 'body').message);

  it('accepts a URL or a base64 upload with a media type of spec/API.md §7.6', () => {
    assert.equal(firstProblem({ type: 'url', url: 'https://example.org/a.cif' }), undefined);
    for (const media_type of ['chemical/x-cif', 'chemical/x-pdb', 'text/x-a3m', 'text/csv', 'text/tab-separated-values']) {
      assert.equal(firstProblem({ type: 'base64', data: 'QUJD', media_type }), undefined, media_type);
    }
  });

  it('rejects other media types, missing fields, unknown fields and unknown source types', () => {
    assert.match(firstProblem({ type: 'base64', data: 'QUJD', media_type: 'application/zip' })!, /^media_type must be one of "chemical\/x-cif"/);
    assert.equal(firstProblem({ type: 'base64', media_type: 'text/csv' }), 'data is required');
    assert.equal(firstProblem({ type: 'url', url: 'https://example.org', data: 'x' }), 'data is not a recognised field');
    assert.equal(firstProblem({ type: 'path', url: '/etc/passwd' }), 'type must be one of "url", "base64"');
  });
});
