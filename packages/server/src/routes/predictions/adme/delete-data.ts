import { ADME } from '../../../jobs/families.ts';
import { deleteDataRoute } from '../delete-data.ts';

export default deleteDataRoute(ADME);
