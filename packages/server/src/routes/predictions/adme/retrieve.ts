import { ADME } from '../../../jobs/families.ts';
import { retrieveRoute } from '../retrieve.ts';

export default retrieveRoute(ADME);
