import YAML from 'yaml';
import type { LeafCommand } from './command.ts';
import { CliError, UsageError } from './errors.ts';
import type { FileReferences } from './file-references.ts';
import { type FlagSpec, kebabToSnake, parseFlagValue, parseStructured } from './flags.ts';
import type { Stdin } from './stdin.ts';

/** One flag occurrence in command-line order; `subPath` is set for dotted sub-flags (`--input.num-samples`). */
interface Occurrence {
  spec: FlagSpec;
  subPath?: string[];
  text: string;
}

export interface BuiltRequest {
  params: Record<string, unknown>;
  body: unknown;
  local: Record<string, unknown>;
  given: Set<string>;
}

/** Splits the command's own tokens into flag occurrences and positionals (globals are already removed). */
export function scanCommandLine(command: LeafCommand, tokens: string[]): { occurrences: Occurrence[]; positionals: string[] } {
  const occurrences: Occurrence[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === '--') {
      positionals.push(...tokens.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = (eq >= 0 ? token.slice(0, eq) : token).replace(/^--?/, '');
    const { spec, subPath } = findFlag(command, name, token.startsWith('--'));
    if (!spec) throw new UsageError(`Incorrect Usage: flag provided but not defined: ${token.startsWith('--') ? '--' : '-'}${name}`);
    let text: string;
    if (eq >= 0) text = token.slice(eq + 1);
    else if (spec.type === 'boolean' && !subPath) text = 'true';
    else if (i + 1 < tokens.length) text = tokens[++i];
    else throw new UsageError(`Incorrect Usage: flag needs an argument: --${name}`);
    occurrences.push({ spec, subPath, text });
  }
  return { occurrences, positionals };
}

function findFlag(command: LeafCommand, name: string, long: boolean): { spec?: FlagSpec; subPath?: string[] } {
  if (!long) return { spec: command.flags.find((flag) => flag.short === name) };
  const exact = command.flags.find((flag) => flag.flag === name || flag.aliases?.includes(name));
  if (exact) return { spec: exact };
  const [base, ...subPath] = name.split('.');
  const spec = command.flags.find((flag) => flag.flag === base && flag.type === 'object');
  if (spec && subPath.length > 0 && subPath.every(Boolean)) return { spec, subPath: subPath.map(kebabToSnake) };
  return {};
}

/**
 * Turns the command line plus any piped body into parameters and a body (CLI.md §1.1, §3):
 * flag values in order, the positional id, file references, stdin merging (flags win), defaults,
 * then the required-flag check.
 */
export async function buildRequest(
  command: LeafCommand,
  invocation: string,
  tokens: string[],
  references: FileReferences,
  stdin: Stdin,
): Promise<BuiltRequest> {
  const { occurrences, positionals } = scanCommandLine(command, tokens);
  const values = new Map<FlagSpec, unknown>();
  for (const occurrence of occurrences) applyOccurrence(values, occurrence);

  const positionalSpec = command.positional ? command.flags.find((flag) => flag.flag === command.positional) : undefined;
  if (positionalSpec && positionals.length > 0 && !values.has(positionalSpec)) values.set(positionalSpec, positionals.shift());
  if (positionals.length > 0) throw new UsageError(`Unexpected extra arguments: [${positionals.join(' ')}]`, invocation);

  for (const [spec, value] of values) {
    const resolveOne = async (item: unknown) => {
      if (spec.type === 'object' && typeof item === 'string') {
        const structured = await references.resolveStructuredFlag(item);
        if (structured.matched) return structured.value;
      }
      return references.resolve(item);
    };
    if (spec.repeatable && Array.isArray(value)) {
      const resolved: unknown[] = [];
      for (const item of value) resolved.push(await resolveOne(item));
      values.set(spec, resolved);
    } else {
      values.set(spec, await resolveOne(value));
    }
  }

  const given = new Set([...values.keys()].map((spec) => spec.flag));
  const params: Record<string, unknown> = {};
  const local: Record<string, unknown> = {};
  const bodyFlags: Record<string, unknown> = {};
  // The pipelines' `--input` is merged into the body; `--input.<field>` sets one of its keys and
  // the per-field flags override both (CLI.md §1.1).
  let input: Record<string, unknown> = {};
  const inputFields: Record<string, unknown> = {};
  for (const [spec, value] of values) {
    if (spec.placement === 'body') bodyFlags[spec.field] = value;
    else if (spec.placement === 'param') params[spec.field] = value;
    else if (spec.placement === 'local') local[spec.flag] = value;
    else if (spec.field !== '') inputFields[spec.field] = value;
    else if (isRecord(value)) input = value;
    else if (value !== null) throw new UsageError(`Couldn't convert ${JSON.stringify(value)} to expected type object for flag --${spec.flag}`);
  }
  let body: unknown = { ...input, ...inputFields, ...bodyFlags };

  if (command.readsStdin) {
    const piped = await stdin.readPipedBody();
    if (piped) body = await mergePipedBody(command, piped, { params, body: body as Record<string, unknown>, local, given }, references);
  }

  for (const spec of command.flags) {
    if (given.has(spec.flag) || spec.default === undefined) continue;
    if (spec.placement === 'local') local[spec.flag] = spec.default;
    else if (spec.alwaysSend && spec.placement === 'body' && isRecord(body) && !(spec.field in body)) body[spec.field] = spec.default;
    else if (spec.alwaysSend && spec.placement === 'param') params[spec.field] = spec.default;
  }

  const missing = command.flags.filter((spec) => spec.required && !given.has(spec.flag)).map((spec) => spec.flag);
  if (command.requiredBodyFields && isRecord(body)) missing.push(...command.requiredBodyFields(body));
  if (missing.length > 0) {
    const what = missing.length === 1 ? `Required flag "${missing[0]}" not set` : `Required flags "${missing.join(', ')}" not set`;
    throw new UsageError(what, invocation);
  }
  return { params, body, local, given };
}

function applyOccurrence(values: Map<FlagSpec, unknown>, { spec, subPath, text }: Occurrence): void {
  if (!subPath) {
    // A YAML list given to a repeatable scalar flag adds all of its elements (`--workspace-ids '[a, b]'`).
    const value = spec.repeatable && spec.type !== 'object' && text.trimStart().startsWith('[') ? parseStructured(text, spec) : parseFlagValue(spec, text);
    if (!spec.repeatable) {
      values.set(spec, value);
      return;
    }
    const list = (values.get(spec) as unknown[] | undefined) ?? [];
    // `--input.entities '[…]'` names the whole array field; `--entity '{…}'` adds one element.
    if (Array.isArray(value) && (spec.type !== 'object' || spec.placement === 'merge')) list.push(...value);
    else list.push(value);
    values.set(spec, list);
    return;
  }
  const subValue = parseStructured(text);
  if (spec.repeatable) {
    // Dotted sub-flags fill the last element until one of its fields repeats (§3).
    const list = (values.get(spec) as unknown[] | undefined) ?? [];
    let last = list[list.length - 1];
    if (!isRecord(last) || hasPath(last, subPath)) {
      last = {};
      list.push(last);
    }
    setPath(last as Record<string, unknown>, subPath, subValue);
    values.set(spec, list);
    return;
  }
  let target = values.get(spec);
  if (!isRecord(target)) {
    target = {};
    values.set(spec, target);
  }
  setPath(target as Record<string, unknown>, subPath, subValue);
}

/** Path/query keys of a piped mapping fill unset flags; the rest is the body, flags winning (§3). */
async function mergePipedBody(
  command: LeafCommand,
  piped: Buffer,
  request: { params: Record<string, unknown>; body: Record<string, unknown>; local: Record<string, unknown>; given: Set<string> },
  references: FileReferences,
): Promise<unknown> {
  let document: unknown;
  try {
    document = YAML.parse(piped.toString('utf8'), { version: '1.2' });
  } catch (error) {
    throw new CliError(`Failed to parse piped data as YAML/JSON: ${(error as Error).message}`);
  }
  document = await references.resolve(document);
  if (!isRecord(document)) {
    if (Object.keys(request.body).length > 0) throw new CliError('Cannot merge flags with a body that is not a map');
    return document;
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    const spec = command.flags.find((flag) => (flag.placement === 'param' || flag.placement === 'local') && flag.field === key);
    if (spec) {
      if (!request.given.has(spec.flag)) {
        if (spec.placement === 'param') request.params[spec.field] = value;
        else request.local[spec.flag] = value;
        request.given.add(spec.flag);
      }
      continue;
    }
    const bodySpec = command.flags.find((flag) => flag.placement === 'body' && flag.field === key);
    if (bodySpec) request.given.add(bodySpec.flag);
    rest[key] = value;
  }
  return { ...rest, ...request.body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return Boolean(value) && typeof value === 'object' && !Array.isArray(value);
}

function hasPath(target: Record<string, unknown>, path: string[]): boolean {
  let current: unknown = target;
  for (const key of path) {
    if (!isRecord(current) || !(key in current)) return false;
    current = current[key];
  }
  return true;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[path[path.length - 1]] = value;
}
