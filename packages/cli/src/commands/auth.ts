import type { CliVersionParams } from 'boltz-api/resources/cli';
import { describeAuthState } from '../auth-settings.ts';
import type { LeafCommand, ResourceCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { apiCommand } from './api-command.ts';

/** OAuth sign-in is a later addition (issue tracker); until then these say so plainly. */
function notSupportedYet(name: string, summary: string): LeafCommand {
  return {
    name,
    summary: `${summary} (not supported yet: use an API key)`,
    flags: [],
    async run() {
      throw new CliError(`\`boltz-api auth ${name}\` is not supported by this version yet; authenticate with --api-key or BOLTZ_API_KEY instead.`);
    },
  };
}

export const auth: ResourceCommand = {
  name: 'auth',
  summary: 'Show who you are authenticated as and where the credential comes from',
  subcommands: [
    apiCommand({
      name: 'me',
      summary: 'Ask the server who the current credential belongs to (key type, mode, organization, workspace)',
      flags: [],
      call: (client) => client.auth.me(),
    }),
    {
      name: 'status',
      summary: 'Report the local authentication state without contacting the server (exit 1 when no credential is usable)',
      flags: [],
      async run(context) {
        const state = describeAuthState(context.globals);
        context.print(state);
        return state.authenticated ? 0 : 1;
      },
    },
    {
      name: 'whoami',
      summary: 'Show the resolved authentication settings and their sources',
      flags: [],
      async run(context) {
        const state = describeAuthState(context.globals);
        context.print({
          mode: state.effective_mode,
          api_key_configured: state.api_key_configured,
          issuer_url: state.issuer_url,
          client_id: state.client_id,
          audience: state.audience,
          scopes: state.requested_scopes,
          selected_org: state.selected_org,
          storage_backend: state.storage_backend,
          session_match: state.session_match,
          refresh_token_present: state.refresh_token_present,
          expiry: state.expiry,
          identity: state.identity,
          sources: state.sources,
        });
      },
    },
    notSupportedYet('login', 'Sign in with your Boltz account in a browser'),
    notSupportedYet('logout', 'Forget the stored sign-in'),
  ],
};

export const cli: ResourceCommand = {
  name: 'cli',
  summary: 'Information about the boltz-api command-line tool',
  subcommands: [
    apiCommand({
      name: 'version',
      summary: 'Ask the server for the latest and minimum supported CLI versions',
      flags: [
        { flag: 'current', field: 'current', type: 'string', placement: 'param', description: 'your version, to learn whether an update is available or required', placeholder: 'VERSION' },
        { flag: 'platform', field: 'platform', type: 'string', placement: 'param', description: 'your platform (e.g. linux-x64)', placeholder: 'PLATFORM' },
      ],
      credential: 'optional',
      call: (client, { params }) => client.cli.version(params as CliVersionParams),
    }),
  ],
};
