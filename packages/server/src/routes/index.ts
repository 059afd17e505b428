import type { App } from '../services.ts';
import createApiKey from './admin/api-keys/create.ts';
import listUsage from './admin/usage/list.ts';
import listApiKeys from './admin/api-keys/list.ts';
import revokeApiKey from './admin/api-keys/revoke.ts';
import archiveWorkspace from './admin/workspaces/archive.ts';
import createWorkspace from './admin/workspaces/create.ts';
import listWorkspaces from './admin/workspaces/list.ts';
import retrieveSpendingLimit from './admin/workspaces/retrieve-spending-limit.ts';
import retrieveWorkspace from './admin/workspaces/retrieve.ts';
import setSpendingLimit from './admin/workspaces/set-spending-limit.ts';
import updateWorkspace from './admin/workspaces/update.ts';
import me from './auth/me.ts';
import cliVersion from './cli/version.ts';
import cliPackage from './cli/package.ts';
import downloadFile from './files/download.ts';
import { FAMILIES } from '../families/registry.ts';
import { routesOf } from './jobs/index.ts';

/**
 * The API's table of contents: one file per operation, named after its URL. Job families share
 * their operations (routes/jobs/), one set of routes per family of the registry.
 */
export const ROUTES: Array<(app: App) => void> = [
  createWorkspace,
  listWorkspaces,
  retrieveWorkspace,
  updateWorkspace,
  archiveWorkspace,
  retrieveSpendingLimit,
  setSpendingLimit,
  createApiKey,
  listApiKeys,
  revokeApiKey,
  listUsage,
  me,
  cliVersion,
  cliPackage,
  ...FAMILIES.flatMap(routesOf),
  downloadFile,
];
