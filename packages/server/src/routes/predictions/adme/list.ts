import { ADME } from '../../../jobs/families.ts';
import { listRoute } from '../list.ts';

export default listRoute(ADME);
