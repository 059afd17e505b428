import type { FastifyReply } from 'fastify';

/**
 * The server's web pages: plain HTML, no scripts, readable on a phone, usable with a keyboard
 * and a screen reader (labelled fields, one heading, visible focus).
 */
/** Sends one of these pages, framed and scripted by nothing (they need neither). */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'")
    .type('text/html; charset=utf-8')
    .send(body);
}

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
:root{color-scheme:light dark;--accent:#2451b7;--muted:#5b6270;--danger:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2330}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
@media (max-width:480px){main{margin:0;min-height:100vh;border-radius:0;box-shadow:none;padding:1.5rem}}
@media (prefers-color-scheme:dark){body{background:#16181d;color:#e7e9ee}main{background:#20232a}}
.brand{font-weight:600;color:var(--accent);letter-spacing:.02em;margin:0 0 1.25rem}
h1{font-size:1.5rem;margin:0 0 1rem}
p{margin:0 0 1rem}
.muted{color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=email],input[type=password],input[type=text]{width:100%;padding:.7rem .8rem;font:inherit;border:1px solid #9aa1ad;border-radius:8px;background:transparent;color:inherit}
input.code{text-transform:uppercase;letter-spacing:.2em;text-align:center;font-size:1.25rem}
button{font:inherit;font-weight:600;padding:.75rem 1rem;border-radius:8px;border:1px solid var(--accent);cursor:pointer;width:100%;margin-top:1.25rem}
button.primary{background:var(--accent);color:#fff}
button.secondary{background:transparent;color:var(--accent);margin-top:.75rem}
:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.error{color:var(--danger);font-weight:600}
.code-box{font:600 1.6rem/1.2 ui-monospace,monospace;letter-spacing:.15em;text-align:center;padding:.75rem;border:1px dashed #9aa1ad;border-radius:8px;margin:0 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:0 0 1rem}dt{font-weight:600}dd{margin:0}
`;

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Boltz compute</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="brand">Boltz compute</p>
${body}
</main>
</body>
</html>`;
}

export function errorMessage(message: string | undefined): string {
  return message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '';
}

export function signInPage(options: { action: string; csrf: string; email?: string; error?: string; clientName: string }): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p class="muted">to continue to ${escapeHtml(options.clientName)}</p>
${errorMessage(options.error)}
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(options.email)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form>`,
  );
}

export function consentPage(options: {
  action: string;
  abortAction: string;
  csrf: string;
  clientName: string;
  email: string;
  scopes: string[];
}): string {
  const scopeList = options.scopes.map((scope) => `<li>${escapeHtml(describeScope(scope))}</li>`).join('');
  return page(
    'Allow access',
    `<h1>Allow ${escapeHtml(options.clientName)}?</h1>
<p>Signed in as <strong>${escapeHtml(options.email)}</strong>. ${escapeHtml(options.clientName)} is asking to:</p>
<ul>${scopeList}</ul>
<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">
<button class="primary" type="submit">Allow</button>
</form>
<form method="post" action="${escapeHtml(options.abortAction)}">
<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">
<button class="secondary" type="submit">Deny</button>
</form>`,
  );
}

function describeScope(scope: string): string {
  switch (scope) {
    case 'openid':
      return 'Confirm who you are';
    case 'profile':
      return 'See your name';
    case 'email':
      return 'See your email address';
    case 'offline_access':
      return 'Stay signed in until you sign out';
    case 'compute:run':
      return 'Run compute jobs and manage resources in your organizations, with your role';
    default:
      return scope;
  }
}

/** Gives oidc-provider's code field a label and our styling (the first of duplicate attributes wins). */
function labelUserCodeField(form: string): string {
  return form.replace(/<input\b([^>]*\bname="user_code"[^>]*)>/, '<label for="user_code">Code</label><input id="user_code" class="code" autocomplete="one-time-code" required$1>');
}

/** oidc-provider supplies the `<form>` (with its own CSRF field); we supply the page. */
export function deviceCodeInputPage(form: string, error?: string): string {
  return page(
    'Connect a device',
    `<h1>Connect the CLI</h1>
<p>Enter the code shown by <code>boltz-api auth login --device-code</code>.</p>
${errorMessage(error)}
${labelUserCodeField(form)}
<button class="primary" type="submit" form="op.deviceInputForm">Continue</button>`,
  );
}

export function deviceConfirmPage(form: string, options: { clientName: string; userCode: string; device: string }): string {
  return page(
    'Approve device',
    `<h1>Approve the CLI on ${escapeHtml(options.device)}?</h1>
<p>Check that this code matches the one on your device:</p>
<p class="code-box">${escapeHtml(options.userCode)}</p>
<p class="muted">If you did not start this sign-in, or the code does not match, deny it.</p>
${form}
<button class="primary" type="submit" form="op.deviceConfirmForm">Approve</button>
<button class="secondary" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Deny</button>`,
  );
}

export function deviceSuccessPage(clientName: string): string {
  return page(
    'Device connected',
    `<h1>You're signed in</h1>
<p>${escapeHtml(clientName)} is now connected. You can close this page and return to your terminal.</p>`,
  );
}

export function signOutPage(form: string, host: string): string {
  return page(
    'Sign out',
    `<h1>Sign out of ${escapeHtml(host)}?</h1>
${form}
<button class="primary" type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>
<button class="secondary" type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

export function signedOutPage(): string {
  return page('Signed out', '<h1>You are signed out</h1><p>You can close this page.</p>');
}

export function errorPage(title: string, details: Record<string, unknown>): string {
  const rows = Object.entries(details)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `<dt>${escapeHtml(key.replace(/_/g, ' '))}</dt><dd>${escapeHtml(value)}</dd>`)
    .join('');
  return page(title, `<h1>${escapeHtml(title)}</h1>${rows ? `<dl>${rows}</dl>` : ''}<p class="muted">Start the sign-in again from your terminal.</p>`);
}
