import { fstatSync } from 'node:fs';
import { CliError } from './errors.ts';

/**
 * Standard input is read at most once per process (CLI.md §3): either by one `@-` file reference
 * or as the piped request body. Probing for a piped body never hangs on an idle pipe.
 */
export class Stdin {
  private consumedBy: string | undefined;

  constructor(private readonly stream: NodeJS.ReadStream = process.stdin) {}

  get consumed(): boolean {
    return this.consumedBy !== undefined;
  }

  /** The whole of stdin for an explicit `@-` reference; waits for end of input. */
  async readForReference(reference: string): Promise<Buffer> {
    if (this.consumedBy) throw new CliError('stdin has already been read by another parameter');
    this.consumedBy = reference;
    return readAll(this.stream);
  }

  /**
   * A piped body, or undefined. Read only from a non-empty regular file, or from a pipe/socket
   * that delivers data within 10 ms (§3); a terminal is never read.
   */
  async readPipedBody(): Promise<Buffer | undefined> {
    if (this.consumedBy) return undefined;
    let kind: 'file' | 'pipe' | undefined;
    try {
      const stat = fstatSync(0);
      if (stat.isFile()) kind = stat.size > 0 ? 'file' : undefined;
      else if (stat.isFIFO() || stat.isSocket()) kind = 'pipe';
    } catch {
      return undefined;
    }
    if (!kind) return undefined;
    this.consumedBy = 'body';
    if (kind === 'file') return readAll(this.stream);
    const data = await readIfPromptlyAvailable(this.stream, 10);
    return data && data.length > 0 ? data : undefined;
  }
}

function readAll(stream: NodeJS.ReadStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function readIfPromptlyAvailable(stream: NodeJS.ReadStream, waitMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = false;
    // setImmediate after the timer: on a busy machine the timer can fire before the event loop
    // has polled the pipe at all; one more poll phase delivers data that was already waiting.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (received) return;
          // Nothing arrived: let go of the pipe so that the process can exit.
          stream.removeAllListeners('data');
          stream.pause();
          stream.destroy();
          resolve(undefined);
        }),
      waitMs,
    );
    stream.on('data', (chunk: Buffer) => {
      received = true;
      chunks.push(chunk);
    });
    stream.once('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    stream.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}
