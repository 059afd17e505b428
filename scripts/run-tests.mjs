#!/usr/bin/env node
// Runs every test file with node's test runner: all suites on SQLite, then the storage and
// API suites again on PostgreSQL (spec: both dialects in CI). `--dialect sqlite|postgres`
// runs one pass only; extra arguments filter test files by substring.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const dialectIndex = args.indexOf('--dialect');
const onlyDialect = dialectIndex >= 0 ? args.splice(dialectIndex, 2)[1] : undefined;
const filters = args;

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const all = findTests(join(root, 'packages'))
  .map((path) => relative(root, path))
  .filter((path) => filters.length === 0 || filters.some((f) => path.includes(f)))
  .sort();
// Suites that touch the database run on both dialects; the CLI's suites need one pass.
const databaseSuites = all.filter((path) => path.startsWith('packages/storage/') || path.startsWith('packages/server/'));

const passes = [
  { dialect: 'sqlite', files: all },
  { dialect: 'postgres', files: databaseSuites },
].filter((pass) => (!onlyDialect || pass.dialect === onlyDialect) && pass.files.length > 0);

let passed = 0;
let failed = 0;
const reportDir = mkdtempSync(join(tmpdir(), 'boltz-tests-'));
for (const pass of passes) {
  process.stdout.write(`\n=== ${pass.files.length} test files on ${pass.dialect} ===\n`);
  const tapFile = join(reportDir, `${pass.dialect}.tap`);
  const result = spawnSync(
    process.execPath,
    [
      '--import', 'tsx',
      '--test', '--test-concurrency=2',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
      ...pass.files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, BOLTZ_TEST_DIALECT: pass.dialect } },
  );
  const tap = readFileSync(tapFile, 'utf8');
  const count = (label) => Number(tap.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  passed += count('pass');
  // A runner that died without reporting a failure still failed.
  failed += count('fail') || (result.status === 0 ? 0 : 1);
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
