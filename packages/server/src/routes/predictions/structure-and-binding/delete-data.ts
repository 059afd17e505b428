import { STRUCTURE_AND_BINDING } from '../../../jobs/families.ts';
import { deleteDataRoute } from '../delete-data.ts';

export default deleteDataRoute(STRUCTURE_AND_BINDING);
