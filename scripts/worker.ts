// `npm run worker`: a worker alone, for production (TEMPORAL_ADDRESS required).
import { runPart } from './part.ts';

await runPart('worker');
