import type Boltz from 'boltz-api';
import type { FlagSpec } from './flags.ts';
import type { GlobalOptions } from './global-flags.ts';

/** A command the user runs: `admin:workspaces create`, `auth status`, `download-results`. */
export interface LeafCommand {
  name: string;
  summary: string;
  /** Longer help text shown under the usage line. */
  description?: string;
  flags: FlagSpec[];
  /** The flag that a single positional argument fills (`retrieve ws_…` = `--workspace-id ws_…`). */
  positional?: string;
  /** Reads a piped YAML/JSON body (API commands with a request body or parameters, §3). */
  readsStdin?: boolean;
  examples?: string[];
  /**
   * Flags still missing once the body is complete (flags, `--input` and stdin merged): for bodies
   * whose required fields depend on their shape (the pipelines' unions, CLI.md §1.1).
   */
  requiredBodyFields?(body: Record<string, unknown>): string[];
  run(context: CommandContext): Promise<number | void>;
}

/** A resource grouping subcommands (`admin:workspaces`). */
export interface ResourceCommand {
  name: string;
  summary: string;
  subcommands: LeafCommand[];
}

export type TopLevelCommand = ResourceCommand | LeafCommand;

export function isResource(command: TopLevelCommand): command is ResourceCommand {
  return 'subcommands' in command;
}

export interface CommandContext {
  globals: GlobalOptions;
  /** `boltz-api admin:workspaces create`, for messages. */
  invocation: string;
  /** Path and query parameters by API name. */
  params: Record<string, unknown>;
  /** Request body (an object unless a non-mapping was piped). */
  body: unknown;
  /** Flags the CLI uses itself, by flag name. */
  local: Record<string, unknown>;
  /** Names of the flags given on the command line or through stdin. */
  given: Set<string>;
  api(credential?: 'required' | 'optional'): Boltz;
  /** Prints one document in the selected format (`rawText` = the server's bytes for --format raw). */
  print(value: unknown, rawText?: string): void;
}
