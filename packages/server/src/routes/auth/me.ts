import { Type } from 'typebox';
import { errorResponses, Nullable } from '../../schemas/common.ts';
import type { App } from '../../services.ts';

const ApiKeyIdentity = Type.Object({
  principal_type: Type.Literal('api_key'),
  api_key_id: Type.String({ description: 'ID of the calling key' }),
  key_type: Type.Union([Type.Literal('admin'), Type.Literal('workspace')]),
  mode: Type.Union([Type.Literal('live'), Type.Literal('test')]),
  organization_id: Type.String({ description: 'Organization of the key', examples: ['org_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
  selected_organization_id: Type.String({ description: 'Same as organization_id for API keys' }),
  workspace_id: Nullable(Type.String({ description: 'Workspace of a workspace key; null for admin keys' })),
  organization_name: Type.Optional(Type.String()),
});

const UserIdentity = Type.Object({
  principal_type: Type.Literal('user'),
  user_id: Type.String({ description: 'The signed-in user', examples: ['user_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
  active_organization_id: Nullable(Type.String({ description: 'The user\'s default organization' })),
  selected_organization_id: Nullable(Type.String({ description: 'From X-Boltz-Organization-Id, else the active organization' })),
  organization_memberships: Type.Array(
    Type.Object({
      organization_id: Type.String(),
      compute_role: Type.Union([Type.Literal('admin'), Type.Literal('member')]),
      organization_name: Type.Optional(Type.String()),
    }),
  ),
});

export default function me(app: App) {
  app.get(
    '/compute/v1/auth/me',
    {
      config: { access: 'any' },
      schema: {
        operationId: 'auth.me',
        summary: 'Describe the calling credential: an API key, or a signed-in user and their organizations',
        tags: ['Auth'],
        response: { 200: Type.Union([ApiKeyIdentity, UserIdentity]), ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const { storage } = app.services;
      if (principal.kind === 'user') {
        const [user, memberships] = await Promise.all([storage.users.findById(principal.userId), storage.users.memberships(principal.userId)]);
        return {
          principal_type: 'user' as const,
          user_id: principal.userId,
          active_organization_id: user?.active_organization_id ?? null,
          selected_organization_id: principal.organizationId,
          organization_memberships: memberships.map((m) => ({
            organization_id: m.organization_id,
            compute_role: m.compute_role,
            organization_name: m.organization_name,
          })),
        };
      }
      return {
        principal_type: 'api_key' as const,
        api_key_id: principal.apiKeyId,
        key_type: principal.keyType,
        mode: principal.mode,
        organization_id: principal.organizationId,
        selected_organization_id: principal.organizationId,
        workspace_id: principal.workspaceId,
        organization_name: principal.organizationName,
      };
    },
  );
}
