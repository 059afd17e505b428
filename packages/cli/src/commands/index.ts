import type { TopLevelCommand } from '../command.ts';
import { adminApiKeys, adminUsage, adminWorkspaces } from './admin.ts';
import { auth, cli } from './auth.ts';
import { config } from './config.ts';
import { downloadResultsCommand, downloadStatusCommand } from './downloads.ts';
import { PIPELINE_RESOURCES } from './pipelines.ts';
import { adme, structureAndBinding } from './predictions.ts';

/** The command tree (CLI.md §1), in the order --help lists it. */
export const COMMANDS: TopLevelCommand[] = [
  structureAndBinding,
  adme,
  ...PIPELINE_RESOURCES,
  adminWorkspaces,
  adminApiKeys,
  adminUsage,
  auth,
  cli,
  config,
  downloadResultsCommand,
  downloadStatusCommand,
];
