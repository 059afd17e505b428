import secureJsonParse from 'secure-json-parse';

/**
 * JSON request bodies as text → values, with the limits that keep one body from costing the
 * server more than its size: a nesting depth limit checked before parsing, prototype
 * poisoning refused (as Fastify's own parser does), and the input paths of strings holding
 * U+0000 found without visiting more than the body holds. Pure functions: the request path
 * runs them on the event loop for small bodies and in the worker pool for large ones
 * (cpu/request-tasks.ts).
 */

/**
 * The deepest request this API takes is a structure-and-binding input (about 7 levels); 64
 * leaves room for any client's wrapping while making a parser's or validator's recursion over
 * the body cheap. Deeper bodies are refused before they are parsed.
 */
export const MAX_JSON_DEPTH = 64;

/** Paths reported for NUL characters: enough to name the problem, bounded for hostile bodies. */
const MAX_NUL_PATHS = 20;

export type ParsedJson =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'too_deep' | 'not_json' }
  /** Strings holding U+0000, which no route accepts: the value is not handed back. */
  | { ok: false; reason: 'nul'; nulPaths: string[] };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * Whether arrays and objects nest deeper than `maxDepth`. One pass over the text; the contents
 * of strings are skipped with `indexOf`, so a body that is mostly one long base64 string costs
 * little. Malformed text is left for the parser to refuse.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip to the closing quote: one preceded by an even number of backslashes.
      for (;;) {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
        i = end;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

interface Frame {
  parent: Frame | undefined;
  /** The key or index of this container in its parent. */
  key: string | number;
  container: object;
  keys: string[] | undefined;
  next: number;
}

function pathOf(frame: Frame | undefined, key: string | number): string {
  const keys: Array<string | number> = [key];
  for (let f = frame; f?.parent; f = f.parent) keys.push(f.key);
  let path = '';
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    path += typeof k === 'number' ? `[${k}]` : path ? `.${k}` : k;
  }
  return path;
}

/**
 * Input paths (`name`, `data_retention.value`, `allowed_ips[1]`) of strings holding U+0000, at
 * most MAX_NUL_PATHS of them. Iterative with one frame per level of nesting, and a path is
 * only spelt out for a string that holds a NUL: a body of millions of elements costs one visit
 * each and no allocation.
 */
export function nulPaths(value: unknown): string[] {
  const found: string[] = [];
  if (typeof value === 'string') return value.includes('\u0000') ? ['body'] : found;
  if (value === null || typeof value !== 'object') return found;
  let frame: Frame | undefined = { parent: undefined, key: '', container: value, keys: Array.isArray(value) ? undefined : Object.keys(value), next: 0 };
  while (frame) {
    const { container, keys } = frame;
    const size = keys ? keys.length : (container as unknown[]).length;
    if (frame.next >= size) {
      frame = frame.parent;
      continue;
    }
    const index = frame.next++;
    const key = keys ? keys[index] : index;
    const item = (container as Record<string | number, unknown>)[key];
    if (typeof item === 'string') {
      if (item.includes('\u0000')) {
        found.push(pathOf(frame, key));
        if (found.length >= MAX_NUL_PATHS) return found;
      }
    } else if (item !== null && typeof item === 'object') {
      frame = { parent: frame, key, container: item, keys: Array.isArray(item) ? undefined : Object.keys(item), next: 0 };
    }
  }
  return found;
}

/** In JSON text a NUL can only be written as the `\u0000` escape: bodies without one need no walk. */
const NUL_ESCAPE = '\\u0000';

export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): ParsedJson {
  if (nestsDeeperThan(text, maxDepth)) return { ok: false, reason: 'too_deep' };
  let value: unknown;
  try {
    value = secureJsonParse.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    return { ok: false, reason: 'not_json' };
  }
  const withNul = text.includes(NUL_ESCAPE) ? nulPaths(value) : [];
  return withNul.length > 0 ? { ok: false, reason: 'nul', nulPaths: withNul } : { ok: true, value };
}
