import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { ByteRange } from '@boltz/storage';
import { forbidden, notFound, rangeNotSatisfiable } from '../../errors.ts';
import { renderDeferredFile } from '../../jobs/deferred-files.ts';
import { errorResponses } from '../../schemas/common.ts';
import type { App } from '../../services.ts';

const Params = Type.Object({
  file_id: Type.String({ minLength: 1, maxLength: 128, description: 'File id', examples: ['file_2X7Ab9Cd3Ef6Gh1JkLmN'] }),
  filename: Type.String({ minLength: 1, maxLength: 255, description: 'File name with extension', examples: ['archive.tar.gz'] }),
});

const Query = Type.Object({
  expires: Type.Optional(Type.String({ description: 'Expiry, Unix seconds (part of the signature)' })),
  signature: Type.Optional(Type.String({ description: 'base64url HMAC-SHA256 over id, name and expiry' })),
});

/** The bytes as stored, sent as a stream (never serialised); documented as binary. */
const FileBytes = {
  description: 'The file, or the requested byte range of it',
  content: { 'application/octet-stream': { schema: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }) } },
};

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else is served whole (RFC 9110 §14.2). */
function requestedRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * `GET /compute/v1/files/{file_id}/{filename}` — presigned downloads (spec/API.md §7.6,
 * decision h). The signature is the credential: bad or expired → 403; a deleted file → 404.
 * Stored files stream from the blob store; deferred ones (test-mode pipeline results) are
 * re-created by their engine.
 */
export default function downloadFile(app: App) {
  app.get(
    '/compute/v1/files/:file_id/:filename',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'files.download',
        summary: 'Download a result or input file through its presigned URL',
        tags: ['Files'],
        params: Params,
        querystring: Query,
        response: { 200: FileBytes, 206: FileBytes, ...errorResponses(403, 404, 416) },
      },
    },
    async (request, reply) => {
      const { file_id, filename } = request.params;
      const { expires = '', signature = '' } = request.query;
      const check = app.services.urlSigner.check(file_id, filename, expires, signature, app.services.now());
      if (check !== 'valid') throw forbidden(check === 'expired' ? 'This file URL has expired; retrieve the job again for a fresh one' : 'Invalid file URL signature');
      const file = await app.services.storage.files.findForDownload(file_id);
      if (!file || file.filename !== filename) throw notFound(`File ${file_id} not found`);

      const rendered = await renderDeferredFile(app.services, file);
      const size = rendered?.length ?? file.size;
      const range = requestedRange(request.headers.range, size);
      if (range === 'unsatisfiable') throw rangeNotSatisfiable(size);
      reply
        .header('content-type', file.media_type)
        .header('accept-ranges', 'bytes')
        .header('cache-control', 'private, max-age=0')
        .header('content-disposition', `attachment; filename="${file.filename.replace(/"/g, '')}"`);
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
      } else {
        reply.header('content-length', size);
      }
      if (rendered) return reply.send(Readable.from([range ? rendered.subarray(range.start, range.end + 1) : rendered]));
      return reply.send(app.services.blobs.read(file.storage_key, range));
    },
  );
}
