import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyFailure, type ProcessResult } from '../src/index.ts';
import { withoutHostPaths } from '../src/engine-failure.ts';

const exited = (exitCode: number, log: string): ProcessResult => ({ exitCode, timedOut: false, aborted: false, log });
const HOUR = 3_600_000;

describe('live engine: failure signs → job error (spec/ENGINE.md §7)', () => {
  it('accepts a clean exit', () => {
    assert.equal(classifyFailure(exited(0, 'Predicting DataLoader 0: 100%|██████████| 1/1\nNumber of failed examples: 0\n'), HOUR), undefined);
  });

  it('reports timeouts and aborts as timeout', () => {
    assert.deepEqual(classifyFailure({ exitCode: null, timedOut: true, aborted: false, log: '' }, 2 * HOUR), {
      code: 'timeout',
      message: "The prediction exceeded the engine's time limit of 120 minutes.",
    });
    assert.equal(classifyFailure({ exitCode: null, timedOut: false, aborted: true, log: '' }, HOUR)?.code, 'timeout');
  });

  it('turns parse errors into validation_error with the error line, without host paths', () => {
    const log = [
      'Traceback (most recent call last):',
      '  File "/opt/boltz/lib/python3.11/site-packages/boltz/data/parse/schema.py", line 1153, in parse_boltz_schema',
      '    raise ValueError(msg)',
      'ValueError: Invalid SMILES for ligand L in /var/lib/boltz/work/sab_pred_x/sab_pred_x.yaml',
    ].join('\n');
    assert.deepEqual(classifyFailure(exited(1, log), HOUR), { code: 'validation_error', message: 'Invalid SMILES for ligand L in sab_pred_x.yaml' });
    // Boltz may skip a bad input and still exit 0.
    const skipped = 'Failed to process /work/sab_pred_x.yaml. Skipping. Error: CCD component ZZZ not found!.\n';
    assert.deepEqual(classifyFailure(exited(0, skipped), HOUR), { code: 'validation_error', message: 'CCD component ZZZ not found!' });
  });

  it('recognises MSA server failures', () => {
    const log = 'Failed to process /w/x.yaml. Skipping. Error: MMseqs2 API is giving errors. Please confirm your input is a valid protein sequence.\n';
    assert.equal(classifyFailure(exited(0, log), HOUR)?.code, 'msa_generation_failed');
    const http = 'requests.exceptions.ConnectionError: HTTPSConnectionPool(host=\'api.colabfold.com\', port=443): Max retries exceeded\n';
    assert.equal(classifyFailure(exited(1, http), HOUR)?.code, 'msa_generation_failed');
  });

  it('recognises a CUDA out-of-memory crash', () => {
    const log = 'Traceback (most recent call last):\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB\n';
    assert.equal(classifyFailure(exited(1, log), HOUR)?.code, 'out_of_memory');
  });

  it('reports any other failure as engine_failed with the last meaningful line', () => {
    const log = 'Traceback (most recent call last):\n  File "/opt/boltz/main.py", line 3, in <module>\nRuntimeError: CUDA error: no kernel image is available for execution on the device at /opt/torch/lib.so\n\n';
    assert.deepEqual(classifyFailure(exited(1, log), HOUR), {
      code: 'engine_failed',
      message: 'The engine failed (exit code 1): RuntimeError: CUDA error: no kernel image is available for execution on the device at lib.so',
    });
    assert.deepEqual(classifyFailure(exited(137, ''), HOUR), { code: 'engine_failed', message: 'The engine failed (exit code 137).' });
  });

  it('strips host paths but keeps slashes inside words', () => {
    assert.equal(withoutHostPaths('Missing /srv/boltz/cache/mols/ZZZ.pkl (1/1 and/or 2/3)'), 'Missing ZZZ.pkl (1/1 and/or 2/3)');
    assert.equal(withoutHostPaths("File '/opt/boltz/main.py', line 3"), "File 'main.py', line 3");
  });
});
