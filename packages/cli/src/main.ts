import { APIConnectionError, APIError } from 'boltz-api';
import { STATUS_CODES } from 'node:http';
import { ApiConnection } from './api-client.ts';
import { type CommandContext, type LeafCommand, isResource } from './command.ts';
import { completeWords, completionScript } from './commands/completion.ts';
import { COMMANDS } from './commands/index.ts';
import { AuthError, CliError, UsageError } from './errors.ts';
import { FileReferences } from './file-references.ts';
import { type GlobalOptions, extractGlobalFlags } from './global-flags.ts';
import { commandHelp, resourceHelp, rootHelp, suggest } from './help.ts';
import { colourWanted, render } from './output.ts';
import { OutputSink } from './pager.ts';
import { buildRequest } from './request-builder.ts';
import { Stdin } from './stdin.ts';
import { CLI_VERSION } from './version.ts';

/**
 * Runs one command line and returns the exit code: 0 on success (also --help and --version),
 * 1 on every error (CLI.md §5). Nothing escapes as a stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  let globals: GlobalOptions | undefined;
  const connection = { current: undefined as ApiConnection | undefined };
  try {
    const extracted = extractGlobalFlags(argv);
    globals = extracted.options;
    return await dispatch(globals, extracted.rest, connection);
  } catch (error) {
    return report(error, globals, connection.current);
  }
}

const wantsHelp = (tokens: string[]) => {
  const end = tokens.indexOf('--');
  return (end < 0 ? tokens : tokens.slice(0, end)).some((token) => token === '--help' || token === '-h');
};

async function dispatch(globals: GlobalOptions, tokens: string[], connection: { current?: ApiConnection }): Promise<number> {
  const [first, ...rest] = tokens;
  if (first === '--version' || first === '-v') {
    process.stdout.write(`boltz-api version ${CLI_VERSION}\n`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(rootHelp(COMMANDS));
    return 0;
  }
  if (first === '@completion') {
    process.stdout.write(completionScript(rest[0]));
    return 0;
  }
  if (first === '__complete') {
    const candidates = completeWords(COMMANDS, rest);
    process.stdout.write(candidates.length > 0 ? `${candidates.join('\n')}\n` : '');
    return 0;
  }
  if (first.startsWith('-')) throw new UsageError(`Incorrect Usage: flag provided but not defined: ${first}`, 'boltz-api');

  const top = COMMANDS.find((command) => command.name === first);
  if (!top) throw unknownCommand(first, COMMANDS.map((command) => command.name), 'boltz-api');

  let leaf: LeafCommand;
  let invocation: string;
  let leafTokens: string[];
  if (isResource(top)) {
    const [name, ...afterName] = rest;
    if (name === undefined || name.startsWith('-')) {
      if (name === undefined || wantsHelp(rest)) {
        process.stdout.write(resourceHelp(top));
        return 0;
      }
      throw new UsageError(`Incorrect Usage: flag provided but not defined: ${name}`, `boltz-api ${top.name}`);
    }
    const sub = top.subcommands.find((command) => command.name === name);
    if (!sub) throw unknownCommand(name, top.subcommands.map((command) => command.name), `boltz-api ${top.name}`);
    leaf = sub;
    invocation = `boltz-api ${top.name} ${sub.name}`;
    leafTokens = afterName;
  } else {
    leaf = top;
    invocation = `boltz-api ${top.name}`;
    leafTokens = rest;
  }
  if (wantsHelp(leafTokens)) {
    process.stdout.write(commandHelp(invocation, leaf));
    return 0;
  }

  try {
    return await runLeaf(globals, leaf, invocation, leafTokens, connection);
  } catch (error) {
    // Usage errors found while parsing or running point at this command's help.
    if (error instanceof UsageError && !error.helpCommand) throw new UsageError(error.message, invocation);
    throw error;
  }
}

async function runLeaf(globals: GlobalOptions, leaf: LeafCommand, invocation: string, leafTokens: string[], connection: { current?: ApiConnection }): Promise<number> {
  const stdin = new Stdin();
  const request = await buildRequest(leaf, invocation, leafTokens, new FileReferences(stdin), stdin);
  const api = new ApiConnection(globals);
  connection.current = api;
  const renderOptions = { format: globals.format, transform: globals.transform, rawOutput: globals.rawOutput, colour: colourWanted(process.stdout) };
  const output = new OutputSink();
  const context: CommandContext = {
    globals,
    invocation,
    ...request,
    api: (credential) => api.client(credential),
    print: (value, rawText) => output.write(render(value, renderOptions, rawText)),
  };
  try {
    return (await leaf.run(context)) ?? 0;
  } finally {
    await output.flush();
  }
}

function unknownCommand(name: string, candidates: string[], parent: string): UsageError {
  const hint = suggest(name, candidates);
  return new UsageError(`Incorrect Usage: unknown command "${name}" for "${parent}"${hint ? `\nDid you mean "${hint}"?` : ''}`, parent);
}

function report(error: unknown, globals: GlobalOptions | undefined, connection: ApiConnection | undefined): number {
  const request = connection?.lastRequest;
  if (error instanceof APIError && error.status !== undefined) {
    // API errors: the body on stdout for programs, the request line on stderr for people (§5).
    const options = { format: globals?.formatError ?? 'auto', transform: globals?.transformError, rawOutput: globals?.rawOutput ?? false, colour: colourWanted(process.stdout) };
    process.stdout.write(render(error.error ?? null, options, error.error === undefined ? undefined : JSON.stringify(error.error)));
    const where = request ? `${request.method} "${request.url}"` : 'request';
    process.stderr.write(`${where}: ${error.status} ${STATUS_CODES[error.status] ?? ''}\n`);
  } else if (error instanceof APIConnectionError) {
    const cause = (error.cause as Error | undefined)?.message;
    process.stderr.write(`${request ? `${request.method} "${request.url}": ` : ''}${error.message}${cause && cause !== error.message ? ` (${cause})` : ''}\n`);
  } else if (error instanceof AuthError) {
    process.stdout.write(`${JSON.stringify(error.toJSON())}\n`);
  } else if (error instanceof UsageError) {
    const help = error.helpCommand ? `\nRun '${error.helpCommand} --help' for usage information.` : '';
    process.stderr.write(`${error.message}${help}\n`);
  } else if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return 1;
}
