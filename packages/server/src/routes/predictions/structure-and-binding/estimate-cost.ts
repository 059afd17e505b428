import { STRUCTURE_AND_BINDING } from '../../../jobs/families.ts';
import { estimateCostRoute } from '../estimate-cost.ts';

export default estimateCostRoute(STRUCTURE_AND_BINDING);
