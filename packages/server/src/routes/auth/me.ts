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

export default function me(app: App) {
  app.get(
    '/compute/v1/auth/me',
    {
      config: { access: 'any' },
      schema: {
        operationId: 'auth.me',
        summary: 'Describe the calling credential',
        tags: ['Auth'],
        response: { 200: ApiKeyIdentity, ...errorResponses(401, 403, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const organization = await app.services.storage.organizations.findById(principal.organizationId);
      return {
        principal_type: 'api_key' as const,
        api_key_id: principal.apiKeyId,
        key_type: principal.keyType,
        mode: principal.mode,
        organization_id: principal.organizationId,
        selected_organization_id: principal.organizationId,
        workspace_id: principal.workspaceId,
        ...(organization ? { organization_name: organization.name } : {}),
      };
    },
  );
}
