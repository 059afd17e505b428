import { userInfo } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Storage } from '@boltz/storage';

/**
 * The audit log (docs/operations.md "Audit log"): who did what administrative action, when,
 * from where, and whether it was allowed. Recorded once per attempt, denied ones included, and
 * written before the answer leaves, so a client that has its answer finds the record.
 */

/** The API's administrative actions, by route (method and URL template). */
export const AUDITED_ROUTES: Readonly<Record<string, string>> = {
  'POST /compute/v1/admin/workspaces': 'workspace.create',
  'POST /compute/v1/admin/workspaces/:workspace_id': 'workspace.update',
  'POST /compute/v1/admin/workspaces/:workspace_id/archive': 'workspace.archive',
  'PUT /compute/v1/admin/workspaces/:workspace_id/spending-limit': 'workspace.spending_limit.set',
  'POST /compute/v1/admin/api-keys': 'api_key.create',
  'POST /compute/v1/admin/api-keys/:api_key_id/revoke': 'api_key.revoke',
};

export type AuditOutcome = 'succeeded' | 'denied' | 'rejected' | 'failed';

export function outcomeOf(statusCode: number): AuditOutcome {
  if (statusCode < 400) return 'succeeded';
  if (statusCode === 401 || statusCode === 403) return 'denied';
  return statusCode < 500 ? 'rejected' : 'failed';
}

/** The id a create answered with; the path's id otherwise. */
function targetOf(request: FastifyRequest, payload: unknown, statusCode: number): string | null {
  const params = request.params as Record<string, string> | undefined;
  const fromPath = params?.workspace_id ?? params?.api_key_id;
  if (fromPath) return fromPath;
  if (statusCode >= 300 || typeof payload !== 'string') return null;
  try {
    // A workspace is answered as itself, a new key as `{key, key_details}`.
    const body = JSON.parse(payload) as { id?: unknown; key_details?: { id?: unknown } };
    const id = body.id ?? body.key_details?.id;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** What was asked, minus anything secret: the request body's fields (names, limits, retention). */
function detailsOf(request: FastifyRequest): Record<string, unknown> | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const text = JSON.stringify(body);
  return text.length <= 4096 ? (body as Record<string, unknown>) : { truncated: true };
}

export function installAdminAudit(app: FastifyInstance, storage: Storage): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const action = AUDITED_ROUTES[`${request.method} ${request.routeOptions.url}`];
    if (!action) return payload;
    const principal = request.principal;
    const organizationId = principal?.organizationId ?? null;
    try {
      await storage.audit.record({
        organization_id: organizationId,
        actor_type: principal ? principal.kind : 'anonymous',
        actor: principal ? (principal.kind === 'api_key' ? principal.apiKeyId : principal.userId) : 'unauthenticated',
        action,
        target: targetOf(request, payload, reply.statusCode),
        outcome: outcomeOf(reply.statusCode),
        status_code: reply.statusCode,
        ip: request.ip,
        details: detailsOf(request),
      });
    } catch (error) {
      // The action itself happened (or was refused); a lost record is an operator's problem to see.
      request.log.error({ err: error, action }, 'writing the audit record failed');
    }
    return payload;
  });
}

/** A sign-in attempt on the OAuth sign-in page (oauth/interactions.ts). */
export async function auditSignIn(
  storage: Storage,
  request: FastifyRequest,
  attempt: { email: string; organizationId?: string | null; statusCode: number; reason?: string },
): Promise<void> {
  try {
    await storage.audit.record({
      organization_id: attempt.organizationId ?? null,
      actor_type: 'user',
      actor: attempt.email || '(no email)',
      action: 'sign_in',
      target: null,
      outcome: outcomeOf(attempt.statusCode === 429 ? 403 : attempt.statusCode),
      status_code: attempt.statusCode,
      ip: request.ip,
      details: attempt.reason ? { reason: attempt.reason } : undefined,
    });
  } catch (error) {
    request.log.error({ err: error }, 'writing the audit record failed');
  }
}

/**
 * A `boltz-server` command run on the host (user, admin-key): the actor is the host account.
 * Runs `work` and records its outcome, also when it throws.
 */
export async function auditedHostAction<T>(storage: Storage, action: string, target: string | null, work: () => Promise<T>, details?: (result: T) => Record<string, unknown>): Promise<T> {
  const record = (outcome: AuditOutcome, extra?: Record<string, unknown>) =>
    storage.audit.record({ organization_id: null, actor_type: 'host', actor: hostAccount(), action, target, outcome, status_code: null, ip: null, details: extra });
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await record('failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  await record('succeeded', details?.(result));
  return result;
}

function hostAccount(): string {
  try {
    return `${userInfo().username}@host`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}@host`;
  }
}
