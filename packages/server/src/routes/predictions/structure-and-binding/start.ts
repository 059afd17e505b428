import { STRUCTURE_AND_BINDING } from '../../../jobs/families.ts';
import { startRoute } from '../start.ts';

export default startRoute(STRUCTURE_AND_BINDING);
