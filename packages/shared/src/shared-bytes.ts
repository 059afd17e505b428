/**
 * Bytes in shared memory. Files travel between the event loop and worker threads (input files
 * decoded and checked in the request pool, result files made in the engines' pool); posting an
 * ordinary Buffer copies it on the receiving side (tens of milliseconds per 5 MiB, most of a
 * second for a maximum-size prediction's files), while a view of a SharedArrayBuffer is handed
 * over as it is.
 */
export function sharedBytes(chunks: readonly Uint8Array[], size = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)): Buffer {
  const bytes = Buffer.from(new SharedArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A Buffer over what structured cloning handed back (a plain Uint8Array), without copying. */
export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
