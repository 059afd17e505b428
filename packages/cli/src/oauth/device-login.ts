import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenEndpointResponse } from 'oauth4webapi';
import type { OauthProfile } from './profile.ts';
import { ResponseBodyError, describeOauthFailure, discover, pollDeviceCode, startDeviceAuthorization } from './protocol.ts';
import { openBrowser } from './open-browser.ts';
import { type LoginReporter, loginFailed, loginStep } from './sign-in.ts';

/** RFC 8628 §3.2 / §3.5 defaults. */
const DEFAULT_INTERVAL_S = 5;
const SLOW_DOWN_STEP_S = 5;
const FALLBACK_EXPIRY_S = 15 * 60;

/**
 * `auth login --device-code` (CLI.md §6.4, RFC 8628): show the verification URL and user code,
 * then poll the token endpoint until the user approves, denies, or the code expires.
 */
export async function deviceLogin(profile: OauthProfile, reporter: LoginReporter) {
  const as = await loginStep(`discovery at ${profile.issuerUrl} failed`, () => discover(profile));
  if (!as.device_authorization_endpoint) throw loginFailed(`${profile.issuerUrl} does not offer device authorization (no device_authorization_endpoint)`);
  const device = await loginStep('the device authorization request failed', () => startDeviceAuthorization(as, profile));

  let interval = device.interval ?? DEFAULT_INTERVAL_S;
  const expiresIn = device.expires_in > 0 ? device.expires_in : FALLBACK_EXPIRY_S;
  const url = device.verification_uri_complete ?? device.verification_uri;
  reporter.authUrl(url, { verification_uri: device.verification_uri, verification_uri_complete: device.verification_uri_complete, user_code: device.user_code, expires_in: expiresIn, interval });
  void openBrowser(url).then((failure) => failure && reporter.browserNotOpened(failure));

  const deadline = Date.now() + expiresIn * 1000;
  let tokens: TokenEndpointResponse | undefined;
  while (!tokens) {
    await sleep(interval * 1000);
    if (Date.now() > deadline) throw loginFailed('timed out waiting for device authorization');
    try {
      tokens = await pollDeviceCode(as, profile, device.device_code);
    } catch (error) {
      if (error instanceof ResponseBodyError && error.error === 'authorization_pending') continue;
      if (error instanceof ResponseBodyError && error.error === 'slow_down') {
        interval += SLOW_DOWN_STEP_S;
        continue;
      }
      // access_denied, expired_token and anything else end the login.
      throw loginFailed(describeOauthFailure(error));
    }
  }
  return { as, tokens };
}
