import type { APIKeyCreateParams, APIKeyListParams } from 'boltz-api/resources/admin/api-keys';
import type { UsageListParams } from 'boltz-api/resources/admin/usage';
import type {
  WorkspaceCreateParams,
  WorkspaceListParams,
  WorkspaceSetSpendingLimitParams,
  WorkspaceUpdateParams,
} from 'boltz-api/resources/admin/workspaces';
import type { ResourceCommand } from '../command.ts';
import type { FlagSpec } from '../flags.ts';
import { CURSOR_PAGING_FLAGS, apiCommand, apiListCommand } from './api-command.ts';

/** `admin:workspaces`, `admin:api-keys`, `admin:usage` (CLI.md §1.1, API.md §5). Admin key required. */

const workspaceIdParam = (description = 'the workspace (ws_…); may also be given as the only argument'): FlagSpec => ({
  flag: 'workspace-id',
  field: 'workspace_id',
  type: 'string',
  placement: 'param',
  required: true,
  description,
  placeholder: 'ID',
});

const dataRetentionFlag: FlagSpec = {
  flag: 'data-retention',
  field: 'data_retention',
  type: 'object',
  placement: 'body',
  description: 'how long job data is kept after a job ends, e.g. \'{unit: days, value: 7}\' (unit hours|days, at most 14 days); or set --data-retention.unit and --data-retention.value',
  placeholder: 'OBJECT',
};

export const adminWorkspaces: ResourceCommand = {
  name: 'admin:workspaces',
  summary: 'Manage workspaces: isolated environments with their own keys, data retention and spending limit',
  subcommands: [
    apiCommand({
      name: 'create',
      summary: 'Create a workspace',
      flags: [
        { flag: 'name', field: 'name', type: 'string', placement: 'body', description: 'display name (1–255 characters)', placeholder: 'NAME' },
        dataRetentionFlag,
        {
          flag: 'spending-limit',
          field: 'spending_limit',
          type: 'object',
          placement: 'body',
          description: "initial spending limit, e.g. '{type: lifetime, limit: {amount: 5000, currency: MILLI_USD}}' (amount in milli-USD)",
          placeholder: 'OBJECT',
        },
      ],
      examples: ["boltz-api admin:workspaces create --name 'Team Alpha' --data-retention.unit days --data-retention.value 3"],
      call: (client, { body }) => client.admin.workspaces.create(body as WorkspaceCreateParams),
    }),
    apiListCommand({
      name: 'list',
      summary: 'List workspaces, newest first (archived ones included)',
      flags: [
        ...CURSOR_PAGING_FLAGS,
        { flag: 'name', field: 'name', type: 'string', placement: 'param', description: 'only workspaces whose name starts with this (case-insensitive)', placeholder: 'PREFIX' },
      ],
      call: (client, { params }) => client.admin.workspaces.list(params as WorkspaceListParams),
    }),
    apiCommand({
      name: 'retrieve',
      summary: 'Show one workspace',
      flags: [workspaceIdParam()],
      positional: 'workspace-id',
      call: (client, { params }) => client.admin.workspaces.retrieve(params.workspace_id),
    }),
    apiCommand({
      name: 'update',
      summary: 'Rename a workspace or change its data retention (omitted fields stay as they are)',
      flags: [
        workspaceIdParam(),
        { flag: 'name', field: 'name', type: 'string', nullable: true, placement: 'body', description: 'new name; the literal null clears it', placeholder: 'NAME' },
        dataRetentionFlag,
      ],
      positional: 'workspace-id',
      call: (client, { params, body }) => client.admin.workspaces.update(params.workspace_id, body as WorkspaceUpdateParams),
    }),
    apiCommand({
      name: 'archive',
      summary: 'Archive a workspace (irreversible: its keys stop working and it accepts no new jobs)',
      flags: [workspaceIdParam()],
      positional: 'workspace-id',
      call: (client, { params }) => client.admin.workspaces.archive(params.workspace_id),
    }),
    apiCommand({
      name: 'retrieve-spending-limit',
      summary: "Show a workspace's spending limit and accrued usage (null when none is set)",
      flags: [workspaceIdParam()],
      positional: 'workspace-id',
      call: (client, { params }) => client.admin.workspaces.retrieveSpendingLimit(params.workspace_id),
    }),
    apiCommand({
      name: 'set-spending-limit',
      summary: "Set a workspace's spending limit",
      flags: [
        workspaceIdParam(),
        { flag: 'type', field: 'type', type: 'string', placement: 'body', choices: ['lifetime'], default: 'lifetime', alwaysSend: true, description: 'limit type (only lifetime)', placeholder: 'TYPE' },
        {
          flag: 'limit',
          field: 'limit',
          type: 'object',
          placement: 'body',
          required: true,
          description: "the cap, e.g. '{amount: 5000, currency: MILLI_USD}' (5000 milli-USD = 5 USD; 9007199254740991 = unlimited)",
          placeholder: 'OBJECT',
        },
      ],
      positional: 'workspace-id',
      examples: ["boltz-api admin:workspaces set-spending-limit ws_… --limit '{amount: 5000, currency: MILLI_USD}'"],
      call: (client, { params, body }) => client.admin.workspaces.setSpendingLimit(params.workspace_id, body as WorkspaceSetSpendingLimitParams),
    }),
  ],
};

export const adminApiKeys: ResourceCommand = {
  name: 'admin:api-keys',
  summary: 'Manage workspace API keys (the full key is printed only once, by create)',
  subcommands: [
    apiCommand({
      name: 'create',
      summary: 'Create a workspace API key',
      flags: [
        { flag: 'name', field: 'name', type: 'string', placement: 'body', required: true, description: 'a name to recognise the key by', placeholder: 'NAME' },
        { flag: 'allowed-ip', field: 'allowed_ips', type: 'string', repeatable: true, placement: 'body', description: 'only accept requests from this IP address (default: any)', placeholder: 'IP' },
        { flag: 'expires-in-days', field: 'expires_in_days', type: 'integer', placement: 'body', description: 'expire after this many days (1–365; default: never)', placeholder: 'DAYS' },
        { flag: 'mode', field: 'mode', type: 'string', choices: ['live', 'test'], placement: 'body', description: "live or test (default: the calling key's mode)", placeholder: 'MODE' },
        { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'body', description: 'workspace the key belongs to (default: the default workspace)', placeholder: 'ID' },
      ],
      examples: ["boltz-api admin:api-keys create --name ci --mode test --allowed-ip 10.0.0.1 --transform key -r"],
      call: (client, { body }) => client.admin.apiKeys.create(body as APIKeyCreateParams),
    }),
    apiListCommand({
      name: 'list',
      summary: 'List API keys (admin keys included unless --workspace-id is given)',
      flags: [
        ...CURSOR_PAGING_FLAGS,
        { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'param', description: "only this workspace's keys", placeholder: 'ID' },
      ],
      call: (client, { params }) => client.admin.apiKeys.list(params as APIKeyListParams),
    }),
    apiCommand({
      name: 'revoke',
      summary: 'Revoke an API key (it stops working at once)',
      flags: [{ flag: 'api-key-id', field: 'api_key_id', type: 'string', placement: 'param', required: true, description: 'the key record (key_…); may also be given as the only argument', placeholder: 'ID' }],
      positional: 'api-key-id',
      call: (client, { params }) => client.admin.apiKeys.revoke(params.api_key_id),
    }),
  ],
};

const APPLICATIONS = ['structure_and_binding', 'small_molecule_design', 'small_molecule_library_screen', 'protein_design', 'protein_redesign', 'protein_library_screen', 'adme'];

export const adminUsage: ResourceCommand = {
  name: 'admin:usage',
  summary: 'Report billed usage per hour or day, optionally grouped by workspace and application',
  subcommands: [
    apiListCommand({
      name: 'list',
      summary: 'List usage buckets (only windows with usage are returned)',
      flags: [
        { flag: 'starting-at', field: 'starting_at', type: 'string', placement: 'param', required: true, description: 'start of the range, inclusive (date-time with time zone, e.g. 2026-01-01T00:00:00Z)', placeholder: 'TIME' },
        { flag: 'ending-at', field: 'ending_at', type: 'string', placement: 'param', required: true, description: 'end of the range, exclusive', placeholder: 'TIME' },
        { flag: 'window-size', field: 'window_size', type: 'string', choices: ['HOUR', 'DAY'], placement: 'param', required: true, description: 'bucket size: HOUR (range ≤ 31 days) or DAY (range ≤ 365 days)', placeholder: 'SIZE' },
        { flag: 'applications', field: 'applications[]', type: 'string', repeatable: true, placement: 'param', description: `only these applications (repeatable or a YAML list): ${APPLICATIONS.join(', ')}`, placeholder: 'APP' },
        { flag: 'group-by', field: 'group_by[]', type: 'string', repeatable: true, placement: 'param', description: 'group buckets by workspace_id and/or application (repeatable or a YAML list)', placeholder: 'KEY' },
        { flag: 'workspace-ids', field: 'workspace_ids[]', type: 'string', repeatable: true, placement: 'param', description: 'only these workspaces (repeatable or a YAML list)', placeholder: 'ID' },
        { flag: 'limit', field: 'limit', type: 'integer', placement: 'param', description: 'buckets per page requested from the server', placeholder: 'N' },
        { flag: 'page', field: 'page', type: 'string', placement: 'param', description: 'opaque page token from a previous response (next_page)', placeholder: 'TOKEN' },
      ],
      examples: ['boltz-api admin:usage list --starting-at 2026-01-01T00:00:00Z --ending-at 2026-02-01T00:00:00Z --window-size DAY --group-by workspace_id'],
      call: (client, { params }) => client.admin.usage.list(params as UsageListParams),
    }),
  ],
};
