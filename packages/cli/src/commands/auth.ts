import type { CliVersionParams } from 'boltz-api/resources/cli';
import { describeAuthState } from '../auth-settings.ts';
import type { LeafCommand, ResourceCommand } from '../command.ts';
import type { FlagSpec } from '../flags.ts';
import { listOrganizations, login, logout, switchOrganization, validate, waitForCredential } from './auth-session.ts';
import { apiCommand } from './api-command.ts';

const DEVICE_CODE_FLAG: FlagSpec = { flag: 'device-code', field: 'device_code', type: 'boolean', placement: 'local', description: 'sign in with a device code (RFC 8628): no browser needed on this machine' };
const JSON_EVENTS_FLAG: FlagSpec = { flag: 'json-events', field: 'json_events', type: 'boolean', placement: 'local', description: 'with --device-code: print NDJSON events (auth_url, warning, success) instead of text' };
const TIMEOUT_FLAG: FlagSpec = { flag: 'timeout', field: 'timeout', type: 'string', placement: 'local', default: '1m', description: 'how long to wait (500ms, 60s, 1m30s; a bare number is seconds; 0 = check once)', placeholder: 'DURATION' };
const POLL_INTERVAL_FLAG: FlagSpec = { flag: 'poll-interval', field: 'poll_interval', type: 'string', placement: 'local', default: '2s', description: 'how often to look', placeholder: 'DURATION' };
const ORGANIZATION_FLAG: FlagSpec = { flag: 'organization-id', field: 'organization_id', type: 'string', placement: 'local', description: 'the organization to act in (also the positional argument)', placeholder: 'ORG' };

const orgsCommand = (name: string, summary: string): LeafCommand => ({
  name,
  summary,
  flags: [],
  async run(context) {
    context.print(await listOrganizations(context));
  },
});

export const auth: ResourceCommand = {
  name: 'auth',
  summary: 'Sign in with your Boltz account, and see who you are authenticated as',
  subcommands: [
    apiCommand({
      name: 'me',
      summary: 'Ask the server who the current credential belongs to (key type, mode, organization, workspace)',
      flags: [],
      call: (client) => client.auth.me(),
    }),
    {
      name: 'login',
      summary: 'Sign in in a browser (or with --device-code on a machine without one) and store the session',
      description:
        'Prints a URL to open; the browser comes back to a listener on 127.0.0.1:<listen-port> (default 8421,\n' +
        '0 = any free port). With --device-code, prints a URL and a code to enter on any device instead.\n' +
        'The refresh token is stored in credentials.json (0600) and renewed automatically.',
      flags: [DEVICE_CODE_FLAG, JSON_EVENTS_FLAG],
      examples: ['boltz-api auth login', 'boltz-api auth login --device-code --json-events', 'boltz-api --base-url http://127.0.0.1:8080 auth login --listen-port 0'],
      run: (context) => login(context),
    },
    {
      name: 'logout',
      summary: 'Forget the stored sign-in and revoke its refresh token (config.yaml is kept)',
      flags: [],
      run: (context) => logout(context),
    },
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
    {
      name: 'validate',
      summary: 'Check that the credential is usable, refreshing the access token if it is about to expire (exit 1 if not)',
      flags: [],
      run: (context) => validate(context),
    },
    {
      name: 'wait',
      summary: 'Wait until a credential is usable (e.g. while someone completes a login elsewhere)',
      flags: [TIMEOUT_FLAG, POLL_INTERVAL_FLAG],
      examples: ['boltz-api auth wait --timeout 5m', 'boltz-api auth wait --timeout 0   # check once'],
      run: (context) => waitForCredential(context),
    },
    orgsCommand('orgs', 'List the organizations you can act in (from the server) and which one is selected'),
    orgsCommand('organizations', 'Same as `auth orgs`'),
    {
      name: 'switch-org',
      summary: 'Select the organization later commands act in (stored in config.yaml; no server call)',
      flags: [ORGANIZATION_FLAG],
      positional: 'organization-id',
      examples: ['boltz-api auth switch-org org_…'],
      run: (context) => switchOrganization(context),
    },
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
