/**
 * The three kinds of failure the CLI reports (CLI.md §5). Every one exits 1; API errors are
 * rendered from the SDK's APIError in main.ts.
 */

/** Wrong command line: printed as `Incorrect Usage: …` plus a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string, readonly helpCommand?: string) {
    super(message);
  }
}

/** Anything else the user must fix or know about (transport, files, downloads): one plain line on stderr. */
export class CliError extends Error {}

/** Credential problems: a JSON object on stdout, nothing on stderr (§5, §6). */
export class AuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hints: string[],
  ) {
    super(message);
  }

  toJSON() {
    return { type: 'auth_error', code: this.code, message: this.message, hint: this.hints[0] ?? '', hints: this.hints };
  }
}

export function authRequired(): AuthError {
  return new AuthError('auth_required', 'No credential is configured for this command.', [
    'Run `boltz-api auth login` to sign in.',
    'Or set `--api-key` or `BOLTZ_API_KEY`.',
    'Run `boltz-api auth whoami` to inspect the current configuration.',
  ]);
}
