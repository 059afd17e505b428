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
import downloadFile from './files/download.ts';
import deleteAdmeData from './predictions/adme/delete-data.ts';
import estimateAdmeCost from './predictions/adme/estimate-cost.ts';
import listAdme from './predictions/adme/list.ts';
import retrieveAdme from './predictions/adme/retrieve.ts';
import startAdme from './predictions/adme/start.ts';
import deleteStructureAndBindingData from './predictions/structure-and-binding/delete-data.ts';
import estimateStructureAndBindingCost from './predictions/structure-and-binding/estimate-cost.ts';
import listStructureAndBinding from './predictions/structure-and-binding/list.ts';
import retrieveStructureAndBinding from './predictions/structure-and-binding/retrieve.ts';
import startStructureAndBinding from './predictions/structure-and-binding/start.ts';

/** The API's table of contents: one file per operation, named after its URL. */
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
  startStructureAndBinding,
  retrieveStructureAndBinding,
  listStructureAndBinding,
  deleteStructureAndBindingData,
  estimateStructureAndBindingCost,
  startAdme,
  retrieveAdme,
  listAdme,
  deleteAdmeData,
  estimateAdmeCost,
  downloadFile,
];
