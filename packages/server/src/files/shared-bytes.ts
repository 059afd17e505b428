/**
 * Bytes in shared memory. File inputs travel between the event loop and the request worker
 * pool (decoded there, checked there); posting an ordinary Buffer to a worker copies it on the
 * event loop (tens of milliseconds per 5 MiB, hundreds for a job's worth of URL inputs), while a
 * view of a SharedArrayBuffer is handed over as it is.
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
