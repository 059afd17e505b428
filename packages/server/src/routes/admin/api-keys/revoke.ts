import { Type } from 'typebox';
import { notFound } from '../../../errors.ts';
import { toApiKey } from '../../../resources/api-key.ts';
import { ApiKey } from '../../../schemas/api-key.ts';
import { errorResponses } from '../../../schemas/common.ts';
import type { App } from '../../../services.ts';
import { requireLiveMode } from '../workspaces/workspace-access.ts';

const Params = Type.Object({
  api_key_id: Type.String({ minLength: 1, maxLength: 128, description: 'API key ID', examples: ['key_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
});

export default function revokeApiKey(app: App) {
  app.post(
    '/compute/v1/admin/api-keys/:api_key_id/revoke',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'admin.apiKeys.revoke',
        summary: 'Revoke an API key (revoking an inactive key returns it unchanged)',
        tags: ['Admin: API keys'],
        params: Params,
        response: { 200: ApiKey, ...errorResponses(401, 403, 404, 429) },
      },
    },
    async (request) => {
      const { principal } = request;
      const scope = { organizationId: principal.organizationId };
      const { storage, authenticator, lastUsed, now } = app.services;
      const key = await storage.apiKeys.find(scope, request.params.api_key_id);
      if (!key) throw notFound(`API key ${request.params.api_key_id} not found`);
      if (key.mode === 'live') requireLiveMode(principal, 'revoke a live API key');

      const revoked = (await storage.apiKeys.revoke(scope, key.id, now().toISOString())) ?? key;
      authenticator.invalidate(key.key_hash);
      return toApiKey(revoked, lastUsed.pendingFor(key.id));
    },
  );
}
