import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';

/**
 * The CLI's npm package, made by `npm run build` (scripts/build.mjs) next to the CLI's bundle.
 * The path is the same from this file's source and from its build (packages/server/dist/…).
 */
const CLI_PACKAGE = new URL('../../../../cli/dist/boltz-api.tgz', import.meta.url);
const CLI_MANIFEST = new URL('../../../../cli/package.json', import.meta.url);

export const CLI_PACKAGE_PATH = '/cli/boltz-api.tgz';

/** The version of the CLI this server hands out: the default of `latest` in `cli.version`. */
export function servedCliVersion(): string {
  return (JSON.parse(readFileSync(CLI_MANIFEST, 'utf8')) as { version: string }).version;
}

/** The install command `cli.version` advertises when BOLTZ_CLI_INSTALL_* does not set one. */
export function cliInstallCommand(publicUrl: string): string {
  return `npm install -g ${publicUrl}${CLI_PACKAGE_PATH}`;
}

/**
 * `GET /cli/boltz-api.tgz`: the `boltz-api` CLI as an npm package with no dependencies (one
 * bundled file), so `npm install -g <this URL>` works on a machine that reaches only this
 * server (docs/api-decisions.md).
 */
export default function cliPackage(app: App) {
  app.get(
    CLI_PACKAGE_PATH,
    {
      config: { access: 'public' },
      schema: {
        operationId: 'cli.package',
        summary: 'The boltz-api CLI as an npm package (npm install -g <this URL>)',
        tags: ['CLI'],
        response: {
          200: { description: 'The package', content: { 'application/gzip': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) } } },
          ...errorResponses(404),
        },
      },
    },
    async (_request, reply) => {
      let size: number;
      try {
        size = statSync(CLI_PACKAGE).size;
      } catch {
        throw notFound('This server was installed without its CLI package: run `npm run build` on the server');
      }
      return reply
        .type('application/gzip')
        .header('content-length', size)
        .header('content-disposition', 'attachment; filename="boltz-api.tgz"')
        .header('cache-control', 'no-cache')
        .send(createReadStream(CLI_PACKAGE));
    },
  );
}
