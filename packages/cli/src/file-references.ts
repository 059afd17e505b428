import { readFileSync, realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import YAML from 'yaml';
import { CliError } from './errors.ts';
import type { Stdin } from './stdin.ts';

/**
 * File references inside flag values, stdin bodies and included files (CLI.md §3):
 * `@path`, `@file://`, `@data://`, `@json://`, `@yaml://`, `@-` for stdin, `\@` for a literal `@`.
 */

const STDIN_PATHS = new Set(['-', '/dev/stdin', '/dev/fd/0']);
const SCHEMES = ['file', 'data', 'json', 'yaml'] as const;
type Scheme = (typeof SCHEMES)[number];

export class FileReferences {
  constructor(
    private readonly stdin: Stdin,
    private readonly cwd: string = process.cwd(),
  ) {}

  /** Resolves every reference in a value, recursively through objects and arrays. */
  async resolve(value: unknown, includeChain: string[] = []): Promise<unknown> {
    if (typeof value === 'string') return this.resolveString(value, includeChain);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) out.push(await this.resolve(item, includeChain));
      return out;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = await this.resolve(item, includeChain);
      return out;
    }
    return value;
  }

  /**
   * A structured include given directly as a flag value (`--input @json://x.json`). Stdin is refused
   * here because piping it is the documented way to send a body.
   */
  async resolveStructuredFlag(text: string): Promise<{ matched: boolean; value?: unknown }> {
    const reference = parseReference(text);
    if (!reference || (reference.scheme !== 'json' && reference.scheme !== 'yaml')) return { matched: false };
    if (STDIN_PATHS.has(reference.path)) {
      throw new CliError(`@${reference.scheme}:// cannot read stdin as a flag value; pipe the document to the command instead`);
    }
    return { matched: true, value: await this.resolveString(text, []) };
  }

  private async resolveString(text: string, includeChain: string[]): Promise<unknown> {
    if (text.startsWith('\\@')) return text.slice(1);
    const reference = parseReference(text);
    if (!reference) return text;
    const { scheme, path } = reference;
    if (STDIN_PATHS.has(path)) {
      const bytes = await this.stdin.readForReference(text);
      return this.decode(scheme, bytes, '<stdin>', includeChain);
    }
    const absolute = resolvePath(this.cwd, path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(absolute);
    } catch (error) {
      // `@username` in free text is not a file reference (§3).
      const code = (error as NodeJS.ErrnoException).code;
      if (!scheme && code === 'ENOENT' && !/[./]/.test(path)) return text;
      throw new CliError(`Could not read file ${JSON.stringify(path)} (from ${text}): ${code ?? (error as Error).message}`);
    }
    return this.decode(scheme, bytes, absolute, includeChain);
  }

  private async decode(scheme: Scheme | undefined, bytes: Buffer, source: string, includeChain: string[]): Promise<unknown> {
    switch (scheme) {
      case 'file':
        return bytes.toString('utf8');
      case 'data':
        return bytes.toString('base64');
      case 'json':
      case 'yaml': {
        const identity = source === '<stdin>' ? source : realpathSync(source);
        if (includeChain.includes(identity)) {
          throw new CliError(`structured include cycle detected: ${[...includeChain, identity].join(' -> ')}`);
        }
        let parsed: unknown;
        try {
          parsed = scheme === 'json' ? JSON.parse(bytes.toString('utf8')) : YAML.parse(bytes.toString('utf8'), { version: '1.2' });
        } catch (error) {
          throw new CliError(`Could not parse ${source} as ${scheme.toUpperCase()}: ${(error as Error).message}`);
        }
        return this.resolve(parsed, [...includeChain, identity]);
      }
      default:
        return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('base64');
    }
  }
}

function parseReference(text: string): { scheme?: Scheme; path: string } | undefined {
  if (!text.startsWith('@') || text.length === 1) return undefined;
  for (const scheme of SCHEMES) {
    const prefix = `@${scheme}://`;
    if (text.startsWith(prefix)) return { scheme, path: text.slice(prefix.length) };
  }
  return { path: text.slice(1) };
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
