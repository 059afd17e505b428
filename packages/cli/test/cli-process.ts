import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The sources are under test: bin/boltz-api.js would otherwise run the bundle of the last build,
 * which may be older than them (packages/server/test/build.test.ts installs and runs the bundle). Set here for the tests that
 * spawn CLI_BIN with this process's environment.
 */
process.env.BOLTZ_RUN_FROM_SOURCE ??= '1';

/** The real `boltz-api` executable, run as a child process the way a user runs it. */
export const CLI_BIN = fileURLToPath(new URL('../bin/boltz-api.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /**
   * Written to stdin, which is then closed. `'idle-pipe'`: stdin is a pipe that stays open and
   * silent until the process exits. Without it stdin is /dev/null (not a pipe).
   */
  input?: string | Buffer | 'idle-pipe';
  cwd?: string;
}

/**
 * Runs the CLI with a clean environment: no BOLTZ_* variables leak in from the developer's shell,
 * and HOME/XDG directories point wherever the test says.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { BOLTZ_RUN_FROM_SOURCE: process.env.BOLTZ_RUN_FROM_SOURCE! };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !name.startsWith('BOLTZ_') && name !== 'FORCE_COLOR') env[name] = value;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  if (options.input !== undefined && options.input !== 'idle-pipe') child.stdin!.end(options.input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      child.stdin?.destroy();
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Successive pretty-printed JSON documents (how lists print in the json format) as values. */
export function parseJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

/** A test HTTP server on a free loopback port; subclasses answer the requests. */
export abstract class LocalServer {
  origin = '';
  private readonly server = createServer((request, response) => void this.handle(request, response));

  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('test server has no address');
    this.origin = `http://127.0.0.1:${address.port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
