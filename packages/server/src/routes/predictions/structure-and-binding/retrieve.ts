import { STRUCTURE_AND_BINDING } from '../../../jobs/families.ts';
import { retrieveRoute } from '../retrieve.ts';

export default retrieveRoute(STRUCTURE_AND_BINDING);
