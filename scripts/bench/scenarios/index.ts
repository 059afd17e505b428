import type { Scenario } from '../scenario.ts';
import { authMe, bareFastify, bareRoute, retrieveWorkspace } from './authentication.ts';
import { usageByWorkspaceAndApplication, usageTotalsPerDay } from './usage.ts';
import { authMeDuringSyntheticStructures, startAdmePrediction } from './predictions.ts';
import { deepResultsPage, firstResultsPage } from './pipelines.ts';

/** Every benchmark, in the order `npm run bench` runs them; add new scenario files here. */
export const SCENARIOS: Scenario[] = [
  bareFastify,
  bareRoute,
  authMe,
  retrieveWorkspace,
  usageByWorkspaceAndApplication,
  usageTotalsPerDay,
  startAdmePrediction,
  authMeDuringSyntheticStructures,
  firstResultsPage,
  deepResultsPage,
];
