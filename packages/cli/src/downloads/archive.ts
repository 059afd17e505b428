import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from '../errors.ts';

/** Archive kinds named by the file URL's path (CLI.md §9.2); the server sends `.tar.gz`. */
const EXTENSIONS = ['.tar.gz', '.tgz', '.tar', '.zip'];

export function archiveExtension(url: string): string {
  const path = new URL(url).pathname.toLowerCase();
  return EXTENSIONS.find((extension) => path.endsWith(extension)) ?? '.tar.gz';
}

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number | null;
}

/**
 * Downloads a presigned URL to `target` (CLI.md §9.3). Bytes go to `target.part` first; a rerun
 * continues it with an HTTP Range request, and the finished size must equal the length the server
 * announced before the file is renamed into place. Presigned URLs get no credential headers (§6.2).
 */
export async function downloadArchive(url: string, target: string, onProgress: (progress: DownloadProgress) => void): Promise<void> {
  const partial = `${target}.part`;
  const offset = existsSync(partial) ? statSync(partial).size : 0;
  let response: Response;
  try {
    response = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {} });
  } catch (error) {
    throw new CliError(`Download of ${target} failed: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message}`);
  }
  if (response.status === 416 && offset > 0) {
    // The partial file already holds every byte (a kill came between the last write and the rename).
    await response.body?.cancel();
    renameSync(partial, target);
    return;
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    throw new CliError(`Download of ${target} failed: HTTP ${response.status} ${response.statusText}`);
  }
  const resumed = response.status === 206;
  const start = resumed ? offset : 0;
  const total = resumed ? totalFromContentRange(response.headers.get('content-range')) : lengthHeader(response.headers.get('content-length'));
  let bytesDone = start;
  onProgress({ bytesDone, bytesTotal: total });
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    bytesDone += chunk.length;
    onProgress({ bytesDone, bytesTotal: total });
  });
  try {
    await pipeline(body, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }));
  } catch (error) {
    throw new CliError(`Download of ${target} was interrupted after ${bytesDone} bytes (rerun to resume): ${(error as Error).message}`);
  }
  const size = statSync(partial).size;
  if (total !== null && size !== total) {
    throw new CliError(`Download of ${target} is incomplete: ${size} of ${total} bytes (rerun to resume)`);
  }
  renameSync(partial, target);
}

function lengthHeader(value: string | null): number | null {
  return value && /^\d+$/.test(value) ? Number(value) : null;
}

function totalFromContentRange(value: string | null): number | null {
  const match = value?.match(/\/(\d+)$/);
  return match ? Number(match[1]) : null;
}

/**
 * Extracts a tar archive into `directory` (§9.2). Every entry is checked first: an absolute path,
 * a `..` segment or anything other than a regular file or directory (links, devices) rejects the
 * whole archive. Extraction goes to `files.tmp-*` and is renamed into place when complete.
 */
export async function extractArchive(archive: string, directory: string): Promise<void> {
  if (archive.endsWith('.zip')) throw new CliError(`Cannot extract ${archive}: zip archives are not supported`);
  // Loaded here, not at start-up: most commands never extract anything.
  const tar = await import('tar');
  const problems: string[] = [];
  await tar.t({
    file: archive,
    onReadEntry(entry) {
      const path = entry.path;
      const normalized = normalize(path);
      if (isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) problems.push(`"${path}" escapes the extraction directory`);
      else if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') problems.push(`"${path}" is a ${entry.type}, not a regular file`);
    },
  }).catch((error: Error) => problems.push(`unreadable archive (${error.message})`));
  if (problems.length > 0) throw new CliError(`Refusing to extract ${archive}: ${problems.join('; ')}`);

  const staging = join(directory, '..', `files.tmp-${randomBytes(4).toString('hex')}`);
  mkdirSync(staging, { recursive: true });
  try {
    await tar.x({ file: archive, cwd: staging, strict: true, preservePaths: false });
    rmSync(directory, { recursive: true, force: true });
    renameSync(staging, directory);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new CliError(`Could not extract ${archive}: ${(error as Error).message}`);
  }
}
