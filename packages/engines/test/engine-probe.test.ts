import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { probeEngine } from '../src/index.ts';

/** A virtualenv's bin/: a console script, and a `python` that answers a version and counts its starts. */
function virtualenv(version: string | undefined) {
  const bin = mkdtempSync(join(tmpdir(), 'boltz-probe-'));
  const starts = join(bin, 'starts');
  writeFileSync(starts, '');
  writeFileSync(join(bin, 'boltzgen'), '#!/bin/sh\nexit 0\n');
  writeFileSync(join(bin, 'python'), `#!/bin/sh\necho started >> '${starts}'\n${version ? `echo ${version}` : 'exit 1'}\n`);
  for (const file of ['boltzgen', 'python']) chmodSync(join(bin, file), 0o755);
  return { bin, executable: join(bin, 'boltzgen'), starts: () => readFileSync(starts, 'utf8').split('\n').filter(Boolean).length };
}

describe('probeEngine', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const target = (executable: string) => ({ engine: 'boltzgen', setting: 'BOLTZ_BOLTZGEN_EXECUTABLE', executable, families: ['protein_design'], pythonPackage: 'boltzgen' });

  it('reads the package version once per process: /readyz probes again without starting Python', () => {
    const venv = virtualenv('0.1.4');
    made.push(venv.bin);
    const { pythonPackage: _package, ...reported } = target(venv.executable);
    for (let i = 0; i < 3; i++) assert.deepEqual(probeEngine(target(venv.executable)), { ...reported, runnable: true, ok: true, version: '0.1.4', problems: [] });
    assert.equal(venv.starts(), 1);
  });

  it('reports an unreadable version as a problem, also without retrying on every probe', () => {
    const venv = virtualenv(undefined);
    made.push(venv.bin);
    for (let i = 0; i < 2; i++) {
      const probe = probeEngine(target(venv.executable));
      assert.equal(probe.ok, false);
      assert.match(probe.problems[0], /cannot read the version of the boltzgen package/);
    }
    assert.equal(venv.starts(), 1);
  });

  it('names a setting whose executable does not exist', () => {
    const probe = probeEngine(target('/nonexistent/boltzgen'));
    assert.equal(probe.runnable, false);
    assert.deepEqual(probe.problems, ['BOLTZ_BOLTZGEN_EXECUTABLE=/nonexistent/boltzgen is not an executable file']);
  });
});
