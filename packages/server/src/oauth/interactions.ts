import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Storage } from '@boltz/storage';
import { consentPage, errorPage, sendPage, signInPage } from './pages.ts';
import { verifyPassword } from './passwords.ts';
import { auditSignIn } from '../audit.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

export interface InteractionDeps {
  storage: Storage;
  provider: () => Promise<Provider>;
  formKey: () => Promise<string>;
  signInAttempts: { max: number; windowSeconds: number };
}

type Form = Record<string, string | undefined>;

function formOf(request: FastifyRequest): Form {
  return typeof request.body === 'string' ? Object.fromEntries(new URLSearchParams(request.body)) : {};
}

/**
 * Our half of the sign-in: the pages oidc-provider sends the browser to when it needs a login
 * or a consent (its `interactions.url`). Forms carry a CSRF token bound to the interaction id,
 * which is itself bound to the browser's interaction cookie.
 */
export function installInteractionRoutes(scope: FastifyInstance, deps: InteractionDeps): void {
  const throttle = new SignInThrottle(deps.signInAttempts);

  const csrfFor = async (uid: string) => createHmac('sha256', await deps.formKey()).update(`interaction:${uid}`).digest('base64url');
  const csrfValid = async (uid: string, token: string | undefined) => {
    const expected = Buffer.from(await csrfFor(uid));
    const given = Buffer.from(token ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };


  async function details(request: FastifyRequest, reply: FastifyReply) {
    const provider = await deps.provider();
    try {
      const interaction = await provider.interactionDetails(request.raw, reply.raw);
      const { uid } = request.params as { uid: string };
      return interaction.uid === uid ? { provider, interaction } : undefined;
    } catch {
      return undefined;
    }
  }

  const expired = (reply: FastifyReply) =>
    sendPage(reply, 400, errorPage('This sign-in has expired', { reason: 'The sign-in session was not found or has expired.' }));

  scope.get('/oauth/interaction/:uid', async (request, reply) => {
    const found = await details(request, reply);
    if (!found) return expired(reply);
    const { interaction } = found;
    const uid = interaction.uid;
    const clientName = 'Boltz CLI';
    if (interaction.prompt.name === 'login') {
      return sendPage(reply, 200, signInPage({ action: `/oauth/interaction/${uid}/login`, csrf: await csrfFor(uid), clientName }));
    }
    const accountId = interaction.session?.accountId;
    const user = accountId ? await deps.storage.users.findById(accountId) : undefined;
    const scopes = String(interaction.params.scope ?? '').split(' ').filter(Boolean);
    return sendPage(
      reply,
      200,
      consentPage({
        action: `/oauth/interaction/${uid}/confirm`,
        abortAction: `/oauth/interaction/${uid}/abort`,
        csrf: await csrfFor(uid),
        clientName,
        email: user?.email ?? 'unknown user',
        scopes: [...new Set([...scopes, 'compute:run'])],
      }),
    );
  });

  scope.post('/oauth/interaction/:uid/login', async (request, reply) => {
    const found = await details(request, reply);
    if (!found) return expired(reply);
    const { provider, interaction } = found;
    const form = formOf(request);
    const uid = interaction.uid;
    const rerender = async (status: number, error: string) =>
      sendPage(reply, status, signInPage({ action: `/oauth/interaction/${uid}/login`, csrf: await csrfFor(uid), email: form.email, error, clientName: 'Boltz CLI' }));

    if (!(await csrfValid(uid, form.csrf))) return rerender(403, 'The form expired. Please try again.');
    const email = (form.email ?? '').trim().toLowerCase();
    const wait = throttle.begin(request.ip, email);
    if (wait !== undefined) {
      reply.header('retry-after', wait);
      await auditSignIn(deps.storage, request, { email, statusCode: 429, reason: 'too many attempts' });
      return rerender(429, 'Too many sign-in attempts. Wait a few minutes and try again.');
    }
    const user = email ? await deps.storage.users.findByEmail(email) : undefined;
    if (!(await verifyPassword(user?.password_hash, form.password ?? '')) || !user) {
      request.log.info({ uid }, 'sign-in failed');
      await auditSignIn(deps.storage, request, { email, organizationId: user?.active_organization_id, statusCode: 401, reason: 'incorrect email or password' });
      return rerender(401, 'Incorrect email or password.');
    }
    throttle.succeeded(request.ip, email);
    if (user.disabled_at) {
      await auditSignIn(deps.storage, request, { email, organizationId: user.active_organization_id, statusCode: 403, reason: 'account disabled' });
      return rerender(403, 'This account is disabled. Ask your administrator.');
    }
    await auditSignIn(deps.storage, request, { email, organizationId: user.active_organization_id, statusCode: 200 });
    const returnTo = await provider.interactionResult(request.raw, reply.raw, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    return reply.redirect(returnTo, 303);
  });

  scope.post('/oauth/interaction/:uid/confirm', async (request, reply) => {
    const found = await details(request, reply);
    if (!found) return expired(reply);
    const { provider, interaction } = found;
    if (!(await csrfValid(interaction.uid, formOf(request).csrf))) return expired(reply);
    const accountId = interaction.session?.accountId;
    if (!accountId || interaction.prompt.name !== 'consent') return expired(reply);

    const grant = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : new provider.Grant({ accountId, clientId: String(interaction.params.client_id) });
    if (!grant) return expired(reply);
    const missing = interaction.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    const returnTo = await provider.interactionResult(
      request.raw,
      reply.raw,
      { consent: interaction.grantId ? {} : { grantId } },
      { mergeWithLastSubmission: true },
    );
    return reply.redirect(returnTo, 303);
  });

  scope.post('/oauth/interaction/:uid/abort', async (request, reply) => {
    const found = await details(request, reply);
    if (!found) return expired(reply);
    const { provider, interaction } = found;
    if (!(await csrfValid(interaction.uid, formOf(request).csrf))) return expired(reply);
    const returnTo = await provider.interactionResult(
      request.raw,
      reply.raw,
      { error: 'access_denied', error_description: 'The user denied the request' },
      { mergeWithLastSubmission: false },
    );
    return reply.redirect(returnTo, 303);
  });
}
