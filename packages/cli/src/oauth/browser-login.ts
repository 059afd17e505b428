import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import type { OauthProfile } from './profile.ts';
import { describeOauthFailure, discover, exchangeAuthorizationCode, oauthClient } from './protocol.ts';
import { openBrowser } from './open-browser.ts';
import { type LoginReporter, loginFailed, loginStep } from './sign-in.ts';

const CALLBACK_PATH = '/oauth/callback';
const CALLBACK_WAIT_MS = 15 * 60_000;
const FAILED_PAGE = 'Authentication failed. You can close this window.';
const COMPLETE_PAGE = 'Authentication complete. You can close this window.';

/** 24 random bytes, base64url: `state` and `nonce` (§6.3 step 3). */
const randomToken = () => randomBytes(24).toString('base64url');

/**
 * `auth login` in a browser (CLI.md §6.3): authorization code with PKCE (S256), the code
 * delivered to a one-shot listener on 127.0.0.1. Returns the token response; the caller saves it.
 */
export async function browserLogin(profile: OauthProfile, port: number, reporter: LoginReporter) {
  const as = await loginStep(`discovery at ${profile.issuerUrl} failed`, () => discover(profile));
  if (!as.authorization_endpoint) throw loginFailed(`${profile.issuerUrl} has no authorization endpoint`);
  const listener = await listen(port);
  try {
    const redirectUri = `http://127.0.0.1:${(listener.address() as AddressInfo).port}${CALLBACK_PATH}`;
    const verifier = oauth.generateRandomCodeVerifier();
    const state = randomToken();
    const nonce = randomToken();
    const url = new URL(as.authorization_endpoint);
    const query = {
      response_type: 'code',
      client_id: profile.clientId,
      redirect_uri: redirectUri,
      scope: profile.scopes.join(' '),
      state,
      access_type: 'offline',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      audience: profile.audience,
      resource: profile.audience,
    };
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);

    const callback = waitForCallback(listener, (parameters) => oauth.validateAuthResponse(as, oauthClient(profile.clientId), parameters, state));
    reporter.authUrl(url.toString());
    void openBrowser(url.toString()).then((failure) => failure && reporter.browserNotOpened(failure));
    const parameters = await callback;
    const tokens = await loginStep('the token request failed', () => exchangeAuthorizationCode(as, profile, parameters, redirectUri, verifier, nonce));
    return { as, tokens };
  } finally {
    // The page has been sent by now; whatever else the browser keeps open must not keep the
    // process alive.
    listener.close();
    listener.closeAllConnections();
  }
}

/** The loopback listener; a busy port is an error, with no fallback to another port (§6.3 step 2). */
function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'the port is already in use (choose another with --listen-port, 0 = any free port)' : error.message;
      reject(loginFailed(`Cannot listen on 127.0.0.1:${port}: ${reason}`));
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * The redirect back from the browser (§6.3 step 5): an `error`, a wrong `state` or a missing
 * code fails the login (HTTP 400 page); the first good callback completes it. The outcome is
 * settled once the page has been sent. Other paths (and late requests) get 404.
 */
function waitForCallback(server: Server, validate: (parameters: URLSearchParams) => URLSearchParams): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => reject(loginFailed('timed out waiting for the browser to complete authentication')), CALLBACK_WAIT_MS);
    server.on('request', (request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const answer = (status: number, text: string, outcome?: () => void) => {
        if (outcome) {
          settled = true;
          clearTimeout(timer);
        }
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(text, outcome);
      };
      if (settled || url.pathname !== CALLBACK_PATH) return answer(404, 'Not found.');
      let parameters: URLSearchParams;
      try {
        parameters = validate(url.searchParams);
        if (!parameters.get('code')) throw new Error('the redirect carried no authorization code');
      } catch (error) {
        return answer(400, FAILED_PAGE, () => reject(loginFailed(`Authentication failed: ${describeOauthFailure(error)}`)));
      }
      answer(200, COMPLETE_PAGE, () => resolve(parameters));
    });
  });
}
