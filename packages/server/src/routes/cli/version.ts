import semver from 'semver';
import { Type } from 'typebox';
import { errorResponses, Nullable } from '../../schemas/common.ts';
import type { App } from '../../services.ts';
import { cliInstallCommand, servedCliVersion } from './package.ts';

const Query = Type.Object({
  current: Type.Optional(Type.String({ maxLength: 64, description: 'Version of the calling CLI', examples: ['0.3.1'] })),
  platform: Type.Optional(Type.String({ maxLength: 64, description: 'Platform of the calling CLI', examples: ['linux-x64'] })),
});

const Response = Type.Object({
  latest: Type.String({ description: 'Latest CLI release' }),
  minimum_supported: Type.String({ description: 'Oldest CLI release the server still supports' }),
  update_available: Type.Boolean(),
  update_required: Type.Boolean(),
  message: Nullable(Type.String()),
  install: Type.Object({ macos_linux: Type.String(), windows: Type.String() }),
});

/** Both flags are false when `current` is absent or not a version (spec/API.md §6.2). */
function isOlder(current: string | undefined, than: string): boolean {
  const version = current === undefined ? null : semver.coerce(current, { includePrerelease: true });
  return version !== null && semver.valid(than) !== null && semver.lt(version, than);
}

export default function cliVersion(app: App) {
  app.get(
    '/compute/v1/cli/version',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'cli.version',
        summary: 'Latest and minimum supported CLI versions',
        tags: ['CLI'],
        querystring: Query,
        response: { 200: Response, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { cliVersion } = app.services.config;
      const { current } = request.query;
      const latest = cliVersion.latest ?? servedCliVersion();
      const install = cliInstallCommand(app.services.publicUrl());
      return {
        latest,
        minimum_supported: cliVersion.minimumSupported,
        update_available: isOlder(current, latest),
        update_required: isOlder(current, cliVersion.minimumSupported),
        message: cliVersion.message,
        install: { macos_linux: cliVersion.installMacosLinux ?? install, windows: cliVersion.installWindows ?? install },
      };
    },
  );
}
