import { ADME } from '../../../jobs/families.ts';
import { estimateCostRoute } from '../estimate-cost.ts';

export default estimateCostRoute(ADME);
