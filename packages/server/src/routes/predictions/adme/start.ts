import { ADME } from '../../../jobs/families.ts';
import { startRoute } from '../start.ts';

export default startRoute(ADME);
