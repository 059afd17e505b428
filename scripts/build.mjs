#!/usr/bin/env node
// `npm run build` (and `npm install`'s `prepare`): compiles the server and the CLI to JavaScript
// with esbuild, so that neither runs TypeScript through a loader at run time (docs/architecture.md
// "Build").
//
// Server: packages/server/src/main.ts → packages/server/dist/main.js, one bundle of the workspace
// packages (@boltz/*), with npm dependencies left as imports (native modules, WebAssembly and
// worker files of their own must stay where npm put them). Modules that run in worker threads
// are bundles of their own at the place their callers compute from `import.meta.url`.
//
// CLI: packages/cli/src/index.ts → packages/cli/dist/boltz-api.js, one self-contained file with
// its dependencies inside (an install copies one file and starts fast), and
// packages/cli/dist/boltz-api.tgz, the npm package the server hands out at /cli/boltz-api.tgz.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { create as createTar } from 'tar';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = join(ROOT, 'packages');

/** packages/<name>/src/<path>.ts → packages/<name>/dist/<path>.js: where a module lives once built. */
export function builtLocation(sourceFile) {
  const rel = relative(PACKAGES, sourceFile).split(sep);
  if (rel[1] !== 'src') return undefined;
  return join(PACKAGES, rel[0], 'dist', ...rel.slice(2)).replace(/\.[cm]?ts$/, '.js');
}

/**
 * In a bundle `import.meta.url` is the bundle's URL, not the module's. Each workspace module's
 * `import.meta.url` becomes its built location instead (same depth below the package as in
 * src/), so that the URLs modules compute from it still point at the right files: sibling
 * worker modules (built as bundles there), `../tables/…` and `../package.json` (unchanged files
 * of the package), and data files next to them (copied into dist/).
 */
function moduleUrlPlugin(outfile) {
  return {
    name: 'module-url',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const location = builtLocation(args.path);
        if (!location || !source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
        const fromBundle = relative(dirname(outfile), location).split(sep).join('/');
        const url = `new URL(${JSON.stringify(fromBundle.startsWith('.') ? fromBundle : `./${fromBundle}`)}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
      });
    },
  };
}

/** npm packages stay imports; the workspace's own packages (@boltz/*) and relative files are bundled. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@boltz/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * Worker-thread modules: request-tasks.ts (the request pool's, cpu/request-cpu-pool.ts) and
 * every module an engine hands the worker pool with `siblingModule('./x', import.meta.url)`
 * (packages/engines/src/worker-pool.ts), found by reading the sources so that a new one needs
 * no change here.
 */
function workerModules(sources) {
  const found = new Set([join(PACKAGES, 'server/src/cpu/request-tasks.ts')]);
  for (const file of sources) {
    for (const match of readFileSync(file, 'utf8').matchAll(/siblingModule\(\s*['"]([^'"]+)['"]/g)) {
      found.add(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  return [...found];
}

// No source maps: Node ignores them unless started with --enable-source-maps, and the bundle
// names each module's source file in a comment above its code (`// packages/server/src/…`).
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.10',
  logLevel: 'warning',
  legalComments: 'none',
};

async function bundle(entry, outfile, options = {}) {
  await build({ ...common, entryPoints: [entry], outfile, plugins: [moduleUrlPlugin(outfile), ...(options.plugins ?? [])], ...options.esbuild });
}

export async function buildServer() {
  const serverPackages = ['shared', 'chemistry', 'storage', 'engines', 'server'];
  for (const name of serverPackages) rmSync(join(PACKAGES, name, 'dist'), { recursive: true, force: true });
  const sources = serverPackages.flatMap((name) => walk(join(PACKAGES, name, 'src')));
  // Data files read at run time next to a module (filter-catalogs.json, …) go next to its build.
  for (const file of sources.filter((path) => !/\.[cm]?ts$/.test(path) && !path.endsWith('.mjs'))) {
    const target = builtLocation(file);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(file, target);
  }
  const entries = [join(PACKAGES, 'server/src/main.ts'), ...workerModules(sources)];
  await Promise.all(entries.map((entry) => bundle(entry, builtLocation(entry), { plugins: [externalDependencies] })));
  return entries.map((entry) => relative(ROOT, builtLocation(entry)));
}

export async function buildCli() {
  const dist = join(PACKAGES, 'cli/dist');
  rmSync(dist, { recursive: true, force: true });
  const outfile = join(dist, 'boltz-api.js');
  await bundle(join(PACKAGES, 'cli/src/index.ts'), outfile, {
    esbuild: {
      minifySyntax: true,
      minifyWhitespace: true,
      // Bundled CommonJS dependencies may call require().
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    },
  });
  // The package as `npm pack packages/cli` makes it, for GET /cli/boltz-api.tgz: package.json
  // (without the build-time dependencies), the bin and the bundle.
  const manifest = JSON.parse(readFileSync(join(PACKAGES, 'cli/package.json'), 'utf8'));
  const staging = join(dist, '.package');
  mkdirSync(join(staging, 'bin'), { recursive: true });
  mkdirSync(join(staging, 'dist'), { recursive: true });
  const { devDependencies: _dev, scripts: _scripts, ...published } = manifest;
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  cpSync(join(PACKAGES, 'cli/bin/boltz-api.js'), join(staging, 'bin/boltz-api.js'));
  cpSync(outfile, join(staging, 'dist/boltz-api.js'));
  await createTar({ gzip: true, file: join(dist, 'boltz-api.tgz'), cwd: staging, prefix: 'package', portable: true, mtime: new Date(0) }, ['package.json', 'bin', 'dist']);
  rmSync(staging, { recursive: true, force: true });
  return [relative(ROOT, outfile), relative(ROOT, join(dist, 'boltz-api.tgz'))];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = process.argv[2];
  const started = Date.now();
  const built = [...(only !== 'cli' ? await buildServer() : []), ...(only !== 'server' ? await buildCli() : [])];
  process.stdout.write(`Built ${built.join(', ')} in ${Date.now() - started} ms\n`);
}
