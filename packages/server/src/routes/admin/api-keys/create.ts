import { ID_PREFIXES, displayPrefix, generateApiKey, hashApiKey, newId } from '@boltz/shared';
import { Type } from 'typebox';
import { isValidAllowedIp } from '../../../auth/ip-allow-list.ts';
import { invalidRequest, workspaceArchived, type ErrorDetails } from '../../../errors.ts';
import { toApiKey } from '../../../resources/api-key.ts';
import { ApiKey } from '../../../schemas/api-key.ts';
import { errorResponses } from '../../../schemas/common.ts';
import type { App } from '../../../services.ts';
import { loadWorkspace, requireLiveMode } from '../workspaces/workspace-access.ts';

const Body = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255, description: 'API key name', examples: ['CI pipeline'] }),
    allowed_ips: Type.Optional(
      Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100, description: 'IPv4/IPv6 addresses (or CIDR ranges) allowed to use the key; empty = any' }),
    ),
    expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Days until the key expires; omit for a key that never expires' })),
    mode: Type.Optional(Type.Union([Type.Literal('live'), Type.Literal('test')], { description: 'Key mode; defaults to the calling key\'s mode' })),
    workspace_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Workspace to scope the key to; omit for the default workspace' })),
  },
  { additionalProperties: false },
);

const Response = Type.Object({
  key: Type.String({ description: 'The full API key. Shown only once: store it securely.' }),
  key_details: ApiKey,
});

function checkAllowedIps(allowedIps: string[]): void {
  const details: ErrorDetails = {};
  allowedIps.forEach((ip, index) => {
    if (!isValidAllowedIp(ip)) details[`allowed_ips[${index}]`] = 'must be an IPv4 or IPv6 address (or CIDR range)';
  });
  const paths = Object.keys(details);
  if (paths.length) throw invalidRequest(`${paths[0]} ${details[paths[0]]}`, details);
}

export default function createApiKey(app: App) {
  app.post(
    '/compute/v1/admin/api-keys',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.apiKeys.create',
        summary: 'Create a workspace API key',
        tags: ['Admin: API keys'],
        body: Body,
        response: { 200: Response, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const body = request.body;
      const mode = body.mode ?? principal.mode;
      if (mode === 'live') requireLiveMode(principal, 'create a live API key');
      const allowedIps = body.allowed_ips ?? [];
      checkAllowedIps(allowedIps);

      const scope = { organizationId: principal.organizationId };
      const workspace = body.workspace_id
        ? await loadWorkspace(app.services, principal, body.workspace_id)
        : await app.services.storage.workspaces.findDefault(scope);
      if (!workspace) throw new Error(`organization ${principal.organizationId} has no default workspace`);
      if (workspace.archived_at) throw workspaceArchived(workspace.id);

      const now = app.services.now();
      const key = generateApiKey('workspace', mode);
      const row = {
        id: newId(ID_PREFIXES.apiKey),
        organization_id: principal.organizationId,
        workspace_id: workspace.id,
        name: body.name,
        key_type: 'workspace' as const,
        mode,
        key_prefix: displayPrefix(key),
        key_hash: hashApiKey(key).toString('hex'),
        allowed_ips: JSON.stringify(allowedIps),
        created_at: now.toISOString(),
        expires_at: body.expires_in_days ? new Date(now.getTime() + body.expires_in_days * 86_400_000).toISOString() : null,
        revoked_at: null,
        last_used_at: null,
      };
      await app.services.storage.apiKeys.insert(row);
      return { key, key_details: toApiKey({ ...row, workspace_archived_at: null }) };
    },
  );
}
