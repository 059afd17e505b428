import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * The real `boltz-server` executable as a child process, for what only a process can show:
 * its output, exit codes, signals, and several processes sharing one database. Used by the
 * process-level tests and by `npm run bench`.
 */
export const SERVER_BIN = fileURLToPath(new URL('../bin/boltz-server.js', import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ServerProcess {
  baseURL: string;
  port: number;
  child: ChildProcess;
  /** Everything the process has written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited, with all of its output. */
  exited: Promise<CommandResult>;
  /** SIGTERM, then the exit result. */
  stop(): Promise<CommandResult>;
}

/** A port nobody listens on right now (the OS picks it; we release it for the server). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function serverEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // The parent's own bootstrap or database settings must not leak into the child.
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited)) {
    if (name.startsWith('BOLTZ_') || ['DATABASE_URL', 'PORT', 'HOST', 'LOG_LEVEL', 'TRUST_PROXY'].includes(name)) delete inherited[name];
  }
  // The sources are under test unless a test asks for the build (build.test.ts).
  return { ...inherited, BOLTZ_RUN_FROM_SOURCE: '1', ...env };
}

function launch(args: string[], env: Record<string, string>): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<CommandResult> } {
  const child = spawn(process.execPath, [SERVER_BIN, ...args], { cwd: REPOSITORY_ROOT, env: serverEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const exited = new Promise<CommandResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
  return { child, out, exited };
}

/**
 * Runs `boltz-server` with `args` (`migrate`, `admin-key create …`, or none for a start that is
 * expected to fail) to completion; after `timeoutMs` it is killed, so a command that wrongly
 * keeps running fails the test instead of hanging it.
 */
export async function runServerCommand(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CommandResult> {
  const { child, exited } = launch(args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `boltz-server` on a free port and waits until `/healthz` answers. Rejects, with the
 * process's output, if it exits first or is not up within `timeoutMs`.
 */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const port = await freePort();
  const { child, out, exited } = launch([], { HOST: '127.0.0.1', PORT: String(port), ...env });
  const baseURL = `http://127.0.0.1:${port}`;
  let exitedEarly: CommandResult | undefined;
  void exited.then((result) => (exitedEarly = result));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedEarly) throw new Error(`boltz-server exited with ${exitedEarly.code ?? exitedEarly.signal} before serving:\n${exitedEarly.stderr}${exitedEarly.stdout}`);
    try {
      const response = await fetch(`${baseURL}/healthz`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`boltz-server did not answer /healthz within ${timeoutMs} ms:\n${out.stderr}${out.stdout}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    baseURL,
    port,
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
