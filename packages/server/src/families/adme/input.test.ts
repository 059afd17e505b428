import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorObject } from 'ajv';
import { newAjv, validationFailure } from '../../plugins/validation.ts';
import { checkAdmeInput } from './check-input.ts';
import { AdmeStartBody, MAX_ADME_MOLECULES } from './input-schema.ts';

const validate = newAjv(false).compile(AdmeStartBody);

function badRequest(body: unknown) {
  if (validate(body)) return undefined;
  return validationFailure(validate.errors as ErrorObject[], 'body').toBody();
}

const molecules = (count: number) => Array.from({ length: count }, (_, i) => ({ smiles: 'C'.repeat(i + 1), id: `mol-${i}` }));
const body = (input: unknown) => ({ model: 'adme-v1', input });

describe('AdmeStartBody', () => {
  it('accepts 1 to 128 molecules, ids optional, with idempotency key and workspace', () => {
    assert.equal(badRequest(body({ molecules: [{ smiles: 'CCO' }] })), undefined);
    assert.equal(badRequest({ ...body({ molecules: molecules(MAX_ADME_MOLECULES) }), idempotency_key: 'batch-7', workspace_id: 'ws_1' }), undefined);
  });

  it('answers 129 molecules with the documented message', () => {
    assert.deepEqual(badRequest(body({ molecules: molecules(129) })), {
      code: 'VALIDATION_ERROR',
      message: 'input.molecules must contain at most 128 items',
      details: { 'input.molecules': 'must contain at most 128 items' },
    });
  });

  it('rejects an empty list, empty SMILES, ids outside 1–128 characters, unknown fields and other models', () => {
    const cases: Array<[unknown, string]> = [
      [body({ molecules: [] }), 'input.molecules must contain at least 1 item'],
      [body({ molecules: [{ smiles: '' }] }), 'input.molecules[0].smiles must not be empty'],
      [body({ molecules: [{ id: 'a' }] }), 'input.molecules[0].smiles is required'],
      [body({ molecules: [{ smiles: 'C', id: '' }] }), 'input.molecules[0].id must not be empty'],
      [body({ molecules: [{ smiles: 'C', id: 'x'.repeat(129) }] }), 'input.molecules[0].id must be at most 128 characters long'],
      [body({ molecules: [{ smiles: 'C', name: 'methane' }] }), 'input.molecules[0].name is not a recognised field'],
      [body({ molecules: [{ smiles: 'C' }], smiles: ['C'] }), 'input.smiles is not a recognised field'],
      [{ model: 'boltz-2.1', input: { molecules: [{ smiles: 'C' }] } }, 'model must be "adme-v1"'],
    ];
    for (const [request, message] of cases) assert.equal(badRequest(request)?.message, message);
  });
});

describe('checkAdmeInput', () => {
  it('accepts unparseable SMILES: they fail per molecule, not per request', () => {
    assert.deepEqual(checkAdmeInput({ molecules: [{ smiles: 'not a smiles', id: 'bad' }, { smiles: 'CCO', id: 'ethanol' }] }), {});
  });

  it('accepts molecules without ids, and the same SMILES twice', () => {
    assert.deepEqual(checkAdmeInput({ molecules: [{ smiles: 'CCO' }, { smiles: 'CCO' }, { smiles: 'C', id: 'methane' }] }), {});
  });

  it('rejects repeated ids, at each repeat', () => {
    const input = { molecules: [{ smiles: 'C', id: 'a' }, { smiles: 'CC', id: 'b' }, { smiles: 'CCC', id: 'a' }, { smiles: 'CCCC', id: 'a' }] };
    assert.deepEqual(checkAdmeInput(input), {
      'input.molecules[2].id': 'repeats the id "a" of input.molecules[0]; molecule ids must be unique',
      'input.molecules[3].id': 'repeats the id "a" of input.molecules[0]; molecule ids must be unique',
    });
  });
});
