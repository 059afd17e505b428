import YAML from 'yaml';
import { UsageError } from './errors.ts';

/**
 * How one command-line flag maps onto the request (CLI.md §1.1, §3). `field` is the API name
 * (`allowed_ips`); `flag` is what the user types (`allowed-ip`).
 */
export interface FlagSpec {
  flag: string;
  field: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'object';
  /** Array field filled one element per occurrence (`--allowed-ip a --allowed-ip b`). */
  repeatable?: boolean;
  /**
   * Where the value goes: request body, query/path parameter, or used by the CLI itself. `merge`:
   * the pipelines' `--input`, whose object is merged into the top-level body (`field` empty), and
   * its derived `--input.<field>` flags that set one key of it (CLI.md §1.1).
   */
  placement: 'body' | 'param' | 'local' | 'merge';
  required?: boolean;
  /** Accepts the literal `null` (sent as JSON null). */
  nullable?: boolean;
  choices?: readonly string[];
  default?: unknown;
  /** Always sent, even when left at its default (`--model`). */
  alwaysSend?: boolean;
  description: string;
  placeholder?: string;
  aliases?: readonly string[];
  short?: string;
}

const INTEGER = /^[-+]?(?:0[xX][0-9a-fA-F]+|\d+)$/;
const PLAIN_STRING = /^[A-Za-z0-9_.=-]+$/;

/** Parses one occurrence's text into the flag's type (file references are resolved later). */
export function parseFlagValue(spec: FlagSpec, text: string): unknown {
  if (spec.nullable && text === 'null') return null;
  switch (spec.type) {
    case 'integer': {
      if (!INTEGER.test(text)) throw invalid(spec, text, 'an integer');
      const sign = text.startsWith('-') ? -1 : 1;
      const digits = text.replace(/^[-+]/, '');
      const value = sign * (digits.toLowerCase().startsWith('0x') ? parseInt(digits.slice(2), 16) : parseInt(digits, 10));
      if (!Number.isSafeInteger(value)) throw invalid(spec, text, 'an integer');
      return value;
    }
    case 'number': {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value)) throw invalid(spec, text, 'a number');
      return value;
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw invalid(spec, text, 'true or false');
    case 'object':
      return parseStructured(text, spec);
    case 'string':
      if (spec.choices && !spec.choices.includes(text)) {
        throw new UsageError(`invalid value "${text}" for flag --${spec.flag}: must be one of ${spec.choices.join(', ')}`);
      }
      return text;
  }
}

/** Object and array flags take YAML 1.2, which also covers JSON and flow syntax (§3). */
export function parseStructured(text: string, spec?: FlagSpec): unknown {
  if (text === 'null') return null;
  // Structured includes are parsed from the file later, with the other file references.
  if (/^@(json|yaml):\/\//.test(text)) return text;
  try {
    return YAML.parse(text, { version: '1.2' });
  } catch {
    if (PLAIN_STRING.test(text)) return text;
    if (spec) throw new UsageError(`Couldn't convert "${text}" to expected type object`);
    throw new UsageError(`Couldn't parse "${text}" as YAML or JSON`);
  }
}

function invalid(spec: FlagSpec, text: string, expected: string): UsageError {
  return new UsageError(`invalid value "${text}" for flag --${spec.flag}: expected ${expected}`);
}

export function kebabToSnake(name: string): string {
  return name.replace(/-/g, '_');
}
