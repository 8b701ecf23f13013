// `npm run api`: the API and HTTP-01 responder alone, for production (TEMPORAL_ADDRESS required).
import { runPart } from './part.ts';

await runPart('api');
