import { spawn } from 'node:child_process';

/** How long a launcher may take to report failure before we assume the browser is on its way. */
const LAUNCH_GRACE_MS = 3_000;

function launcher(url: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [url] };
  if (process.platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { command: 'xdg-open', args: [url] };
}

/**
 * Tries to show the sign-in page (CLI.md §6.3 step 4) with the platform's launcher. Resolves
 * with the reason when it could not (no launcher, or it exited with an error); the URL is
 * printed either way, so the user can open it by hand.
 */
export function openBrowser(url: string): Promise<string | undefined> {
  const { command, args } = launcher(url);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (failure: string | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(failure);
    };
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    // Never what keeps the CLI running once the login is over.
    const timer = setTimeout(() => settle(undefined), LAUNCH_GRACE_MS).unref();
    child.once('error', (error) => settle(error.message));
    child.once('exit', (code) => settle(code === 0 ? undefined : `${command} exited with status ${code}`));
    child.unref();
  });
}
