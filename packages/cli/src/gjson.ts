/**
 * The subset of GJSON path syntax that `--transform` supports (CLI.md §4; github.com/tidwall/gjson):
 * dotted keys (`a.b`), array indexes (`items.0`), `*`/`?` key wildcards, `#` (array length),
 * `#.field` (map over an array), `#(field==value)` / `#(…)#` queries with == != < <= > >= % !%,
 * `\` escapes, `|` pipes and the modifiers @this, @reverse, @keys, @values, @flatten.
 * A path that matches nothing yields undefined (printed as `null`, §10).
 */
export function getPath(value: unknown, path: string): unknown {
  if (path === '' || path === '@this') return value;
  return evaluate(value, splitComponents(path));
}

type Component = { text: string; pipe: boolean };

function splitComponents(path: string): Component[] {
  const out: Component[] = [];
  let current = '';
  let depth = 0;
  let pipe = false;
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\' && i + 1 < path.length) {
      current += char + path[++i];
      continue;
    }
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (depth === 0 && (char === '.' || char === '|')) {
      out.push({ text: current, pipe });
      current = '';
      pipe = char === '|';
      continue;
    }
    current += char;
  }
  out.push({ text: current, pipe });
  return out;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function evaluate(value: unknown, components: Component[]): unknown {
  if (components.length === 0) return value;
  if (value === undefined) return undefined;
  const [{ text }, ...rest] = components;

  if (text.startsWith('@')) return evaluate(applyModifier(value, text), rest);

  if (text === '#') {
    if (!Array.isArray(value)) return undefined;
    if (rest.length === 0) return value.length;
    // `#.field` maps over the elements; a later `|` applies to the mapped array as a whole.
    const pipeAt = rest.findIndex((component) => component.pipe);
    const mapped = pipeAt < 0 ? rest : rest.slice(0, pipeAt);
    const results = value.map((item) => evaluate(item, mapped)).filter((item) => item !== undefined);
    return pipeAt < 0 ? results : evaluate(results, rest.slice(pipeAt));
  }

  const query = text.match(/^#\((.*)\)(#?)$/s);
  if (query) {
    if (!Array.isArray(value)) return undefined;
    const matches = value.filter((item) => matchesQuery(item, query[1]));
    if (query[2] === '#') {
      const pipeAt = rest.findIndex((component) => component.pipe);
      const mapped = pipeAt < 0 ? rest : rest.slice(0, pipeAt);
      const results = matches.map((item) => evaluate(item, mapped)).filter((item) => item !== undefined);
      return pipeAt < 0 ? results : evaluate(results, rest.slice(pipeAt));
    }
    return matches.length > 0 ? evaluate(matches[0], rest) : undefined;
  }

  if (Array.isArray(value)) {
    if (!/^\d+$/.test(text)) return undefined;
    return evaluate(value[Number(text)], rest);
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (/(?<!\\)[*?]/.test(text)) {
      const pattern = wildcardPattern(text);
      const key = Object.keys(record).find((candidate) => pattern.test(candidate));
      return key === undefined ? undefined : evaluate(record[key], rest);
    }
    const key = unescape(text);
    return Object.hasOwn(record, key) ? evaluate(record[key], rest) : undefined;
  }
  return undefined;
}

function wildcardPattern(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && i + 1 < text.length) source += escapeRegExp(text[++i]);
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matchesQuery(item: unknown, query: string): boolean {
  const match = query.match(/^(.*?)\s*(==|!=|<=|>=|<|>|!%|%)\s*(.*)$/s);
  if (!match) return getPath(item, query.trim()) !== undefined;
  const [, left, operator, right] = match;
  const actual = left.trim() === '' ? item : getPath(item, left.trim());
  if (actual === undefined) return false;
  const expected = parseLiteral(right.trim());
  switch (operator) {
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return compare(actual, expected) < 0;
    case '<=':
      return compare(actual, expected) <= 0;
    case '>':
      return compare(actual, expected) > 0;
    case '>=':
      return compare(actual, expected) >= 0;
    case '%':
      return typeof actual === 'string' && wildcardPattern(String(expected)).test(actual);
    default:
      return typeof actual === 'string' && !wildcardPattern(String(expected)).test(actual);
  }
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number.NaN;
}

function parseLiteral(text: string): unknown {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text);
    } catch {
      return text.slice(1, -1);
    }
  }
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : text;
}

function applyModifier(value: unknown, modifier: string): unknown {
  switch (modifier) {
    case '@this':
      return value;
    case '@reverse':
      if (Array.isArray(value)) return [...value].reverse();
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse());
      return value;
    case '@keys':
      return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : undefined;
    case '@values':
      return value && typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : undefined;
    case '@flatten':
      return Array.isArray(value) ? value.flat() : value;
    default:
      return undefined;
  }
}
