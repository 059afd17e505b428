import { STRUCTURE_AND_BINDING } from '../../../jobs/families.ts';
import { listRoute } from '../list.ts';

export default listRoute(STRUCTURE_AND_BINDING);
