import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * Every file the README, docs/ and code comments name exists in the repository, and docs/
 * covers what an operator needs (issue 13). docs/spec/ holds copies of external contracts, whose
 * file names (the upstream projects' files) are not checked.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', 'screenshots', 'fixtures', 'spec']);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIPPED_FOLDERS.has(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const repositoryFiles = [...walk(join(ROOT, 'packages')), ...walk(join(ROOT, 'scripts')), ...walk(join(ROOT, 'docs')), ...walk(join(ROOT, 'deploy'))];
const basenames = new Set([...repositoryFiles.map((path) => basename(path)), ...readdirSync(join(ROOT, 'docs', 'spec'))]);

/** A path or file name with a source or document extension: what a reader would open. Runtime files (`*.json`) are data, not references. */
const REFERENCE = /(?<![\w./@-])((?:\.{0,2}\/)?(?:[\w.-]+\/)*[\w.-]+\.(?:md|ts|mjs|py|sh|service|conf))(?![\w/-])/g;

function resolves(reference: string, from: string): boolean {
  const candidates = [join(ROOT, reference), join(dirname(from), reference), join(ROOT, 'docs', reference), join(ROOT, 'docs', 'spec', reference.replace(/^spec\//, ''))];
  for (const name of readdirSync(join(ROOT, 'packages'))) {
    for (const under of ['', 'src', 'test']) candidates.push(join(ROOT, 'packages', name, under, reference));
  }
  // A bare file name (`runner.ts`) names the one file of that name.
  return candidates.some((path) => existsSync(path)) || (!reference.includes('/') && basenames.has(reference));
}

function referencesIn(file: string): string[] {
  let text = readFileSync(file, 'utf8');
  if (/\.(ts|mjs|js)$/.test(file)) text = (text.match(/\/\/.*|\/\*[\s\S]*?\*\//g) ?? []).join('\n');
  // Absolute paths are the host's (`/etc/nginx/…`), systemd unit names are not files.
  return [...text.matchAll(REFERENCE)].map((match) => match[1]).filter((reference) => !reference.startsWith('/') && !/^[\w-]+\.service$/.test(reference));
}

describe('documentation', () => {
  it('every file named in the README, docs/ and code comments exists', () => {
    const sources = [
      join(ROOT, 'README.md'),
      ...walk(join(ROOT, 'docs')).filter((path) => path.endsWith('.md')),
      ...repositoryFiles.filter((path) => /\.(ts|mjs|js)$/.test(path)),
      ...walk(join(ROOT, 'deploy')).filter((path) => !/\.(pem|key)$/.test(path)),
    ];
    const missing = sources.flatMap((file) => referencesIn(file).filter((reference) => !resolves(reference, file)).map((reference) => `${relative(ROOT, file)}: ${reference}`));
    assert.deepEqual(missing, []);
  });

  it('docs/ covers architecture, configuration, API decisions, engines, operations and security; a LICENSE', () => {
    for (const [file, headings] of Object.entries({
      'architecture.md': ['Job flow', 'Build'],
      'configuration.md': ['MSA server'],
      'api-decisions.md': [],
      'engines.md': ['GPU'],
      'operations.md': ['Deploy', 'Back up and restore', 'Upgrade', 'Rotate secrets', 'Monitoring', 'Audit log', 'Check a deployment'],
      'security.md': [],
    })) {
      const text = readFileSync(join(ROOT, 'docs', file), 'utf8');
      for (const heading of headings) assert.match(text, new RegExp(`^#+ .*${heading}`, 'm'), `${file}: ${heading}`);
    }
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
  });
});
