import type { Family } from '../../families/family.ts';
import type { App } from '../../services.ts';
import { deleteDataRoute } from './delete-data.ts';
import { estimateCostRoute } from './estimate-cost.ts';
import { listResultsRoute } from './list-results.ts';
import { listRoute } from './list.ts';
import { resumeRoute } from './resume.ts';
import { retrieveRoute } from './retrieve.ts';
import { startRoute } from './start.ts';
import { stopRoute } from './stop.ts';

/**
 * The endpoints of a job family: the five of a prediction (spec/API.md §8), or the operations a
 * pipeline declares (§10; explore has only five of the eight) plus its own extra routes.
 * Fixed paths (`estimate-cost`, `curated-specifications`) are registered before `/:id`.
 */
export function routesOf(family: Family): Array<(app: App) => void> {
  if (family.type === 'prediction') {
    return [startRoute(family), estimateCostRoute(family), listRoute(family), retrieveRoute(family), deleteDataRoute(family)];
  }
  const byOperation = {
    start: startRoute(family),
    'estimate-cost': estimateCostRoute(family),
    list: listRoute(family),
    retrieve: retrieveRoute(family),
    'list-results': listResultsRoute(family),
    stop: stopRoute(family),
    resume: resumeRoute(family),
    'delete-data': deleteDataRoute(family),
  };
  return [...(family.extraRoutes ?? []), ...family.operations.map((operation) => byOperation[operation])];
}
