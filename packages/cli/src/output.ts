import YAML from 'yaml';
import { getPath } from './gjson.ts';
import type { OutputFormat } from './global-flags.ts';

/**
 * Renders response bodies and local JSON results (CLI.md §4): `--transform` first, then `-r`,
 * then the format. `auto` and `explore` render as `json` (explore's interactive viewer is not
 * implemented; off a terminal the official CLI falls back to json too).
 */
export interface RenderOptions {
  format: OutputFormat;
  transform?: string;
  rawOutput: boolean;
  colour: boolean;
}

export function render(value: unknown, options: RenderOptions, rawText?: string): string {
  let result = value;
  if (options.transform) result = getPath(value, options.transform) ?? null;
  if (options.rawOutput && typeof result === 'string') return `${result}\n`;
  switch (options.format) {
    case 'jsonl':
      return `${JSON.stringify(result)}\n`;
    case 'raw':
      return `${rawText !== undefined && !options.transform ? rawText.replace(/\n$/, '') : JSON.stringify(result)}\n`;
    case 'yaml':
      return YAML.stringify(result);
    case 'pretty':
      return `${prettyView(result)}\n`;
    default:
      return `${options.colour ? colourJson(result) : JSON.stringify(result, null, 2)}\n`;
  }
}

export function colourWanted(stream: NodeJS.WriteStream): boolean {
  if (process.env.FORCE_COLOR === '1') return true;
  if (process.env.FORCE_COLOR === '0') return false;
  return Boolean(stream.isTTY);
}

const COLOURS = { key: '\x1b[34;1m', string: '\x1b[32m', number: '\x1b[36m', literal: '\x1b[35m', reset: '\x1b[0m' };

function colourJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/g,
    (match, text: string | undefined, colon: string | undefined, literal: string | undefined, number: string | undefined) => {
      if (text) return colon ? `${COLOURS.key}${text}${COLOURS.reset}${colon}` : `${COLOURS.string}${text}${COLOURS.reset}`;
      if (literal) return `${COLOURS.literal}${literal}${COLOURS.reset}`;
      if (number) return `${COLOURS.number}${number}${COLOURS.reset}`;
      return match;
    },
  );
}

/** Human view: a title from the object's id, then `Label: value` lines (booleans as yes/no). */
function prettyView(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const title = typeof record.id === 'string' ? record.id : undefined;
    const body = prettyLines(record, 0).join('\n');
    return title ? `${title}\n${'─'.repeat(title.length)}\n${body}` : body;
  }
  return prettyLines(value, 0).join('\n');
}

function prettyLines(value: unknown, indent: number): string[] {
  const pad = '  '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}(none)`];
    return value.flatMap((item) => {
      const lines = prettyLines(item, indent + 1);
      return [`${pad}- ${lines[0].trimStart()}`, ...lines.slice(1)];
    });
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${pad}(empty)`];
    return entries.flatMap(([key, item]) => {
      const label = key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
      if (item && typeof item === 'object') return [`${pad}${label}:`, ...prettyLines(item, indent + 1)];
      return [`${pad}${label}: ${prettyScalar(item)}`];
    });
  }
  return [`${pad}${prettyScalar(value)}`];
}

function prettyScalar(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
