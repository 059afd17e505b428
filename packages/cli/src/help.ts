import { type LeafCommand, type ResourceCommand, type TopLevelCommand, isResource } from './command.ts';
import type { FlagSpec } from './flags.ts';
import { GLOBAL_FLAGS } from './global-flags.ts';

/** `--help` text at every level, written for someone who has never used the tool (CLI.md §1). */

/** Two columns; long descriptions wrap under their column so help stays readable in 80 columns. */
function table(rows: Array<[string, string]>): string {
  const width = Math.min(36, Math.max(...rows.map(([left]) => left.length)) + 2);
  const columns = Math.max(80, process.stdout.columns ?? 80);
  const textWidth = Math.max(30, columns - width - 2);
  return rows
    .map(([left, right]) => {
      const lines = wrap(right, textWidth);
      const first = left.length >= width ? `  ${left}\n  ${' '.repeat(width)}${lines[0]}` : `  ${left.padEnd(width)}${lines[0]}`;
      return [first, ...lines.slice(1).map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
    })
    .join('\n');
}

/** A paragraph of free text wrapped to the terminal (at least 80 columns). */
function paragraph(text: string): string {
  return wrap(text.replace(/\n/g, ' '), Math.max(80, process.stdout.columns ?? 80) - 2).join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

function flagLabel(flag: FlagSpec): string {
  const names = [flag.short ? `-${flag.short}, --${flag.flag}` : `--${flag.flag}`, ...(flag.aliases ?? []).map((alias) => `--${alias}`)].join(', ');
  const value = flag.type === 'boolean' ? '' : ` ${flag.placeholder ?? 'VALUE'}`;
  return `${names}${value}`;
}

function flagDescription(flag: FlagSpec): string {
  const notes = [flag.required ? 'required' : '', flag.repeatable ? 'repeatable' : ''].filter(Boolean);
  return `${flag.description}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
}

const isSignInFlag = (name: string) => name.startsWith('auth-') || name === 'listen-port';
const globalFlagRow = (flag: (typeof GLOBAL_FLAGS)[number]): [string, string] => [
  `${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${flag.takesValue ? ' VALUE' : ''}`,
  flag.description,
];

const globalFlagsSection = (extra: Array<[string, string]> = []): string =>
  `Global flags (accepted anywhere on the command line):\n${table([
    ...GLOBAL_FLAGS.filter((flag) => !isSignInFlag(flag.name)).map(globalFlagRow),
    ['-h, --help', 'show help for any command'],
    ...extra,
  ])}`;

/** The OAuth settings matter to `auth …` only; elsewhere they would bury the everyday flags. */
const signInFlagsSection = (): string =>
  `Sign-in settings (flag > environment > config.yaml > default):\n${table(GLOBAL_FLAGS.filter((flag) => isSignInFlag(flag.name)).map(globalFlagRow))}`;

export function rootHelp(commands: TopLevelCommand[]): string {
  const resources = commands.filter(isResource);
  const others = commands.filter((command) => !isResource(command));
  return [
    'boltz-api — command-line tool for the Boltz compute API',
    '',
    'Usage:',
    '  boltz-api [global flags] <resource> <command> [flags]',
    '',
    `Resources:\n${table(resources.map((command): [string, string] => [command.name, command.summary]))}`,
    '',
    `Commands:\n${table(others.map((command): [string, string] => [command.name, command.summary]))}`,
    '',
    globalFlagsSection([['-v, --version', 'print the version']]),
    '',
    'Authentication: pass --api-key or set BOLTZ_API_KEY (or BOLTZ_COMPUTE_API_KEY).',
    'Server: --base-url or BOLTZ_BASE_URL (default https://api.boltz.bio/).',
    '',
    "Run 'boltz-api <resource> --help' to see a resource's commands, e.g. 'boltz-api admin:workspaces --help'.",
    '',
  ].join('\n');
}

export function resourceHelp(resource: ResourceCommand): string {
  return [
    `boltz-api ${resource.name} — ${resource.summary}`,
    '',
    'Usage:',
    `  boltz-api ${resource.name} <command> [flags]`,
    '',
    `Commands:\n${table(resource.subcommands.map((command): [string, string] => [command.name, command.summary]))}`,
    '',
    `Run 'boltz-api ${resource.name} <command> --help' for a command's flags.`,
    '',
  ].join('\n');
}

export function commandHelp(invocation: string, command: LeafCommand): string {
  const positional = command.positional ? ` [${command.positional.toUpperCase()}]` : '';
  const sections = [`${invocation} — ${command.summary}`, '', 'Usage:', `  ${invocation} [flags]${positional}`, ''];
  if (command.description) sections.push(paragraph(command.description), '');
  if (command.flags.length > 0) sections.push(`Flags:\n${table(command.flags.map((flag): [string, string] => [flagLabel(flag), flagDescription(flag)]))}`, '');
  if (command.flags.some((flag) => flag.type === 'object')) {
    sections.push(
      paragraph(
        "Values: object flags take YAML or JSON ('{a: 1}'), one field at a time (--flag.field value) or a file " +
          '(@json://file.json, @yaml://file.yaml). Any value may be @file (text), @data://file (base64) or @- (stdin).',
      ),
      '',
    );
  }
  if (command.readsStdin) sections.push('A YAML/JSON body piped on stdin is merged in; command-line flags win.', '');
  if (command.examples?.length) sections.push(`Examples:\n${command.examples.map((example) => `  ${example}`).join('\n')}`, '');
  if (invocation.startsWith('boltz-api auth ')) sections.push(signInFlagsSection(), '');
  sections.push(globalFlagsSection(), '');
  return sections.join('\n');
}

/** The closest known name, for "did you mean" hints. */
export function suggest(input: string, candidates: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.startsWith(input) || input.startsWith(name) ? 1 : editDistance(input, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(input.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
