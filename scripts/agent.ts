// `npm run agent`: the sync agent configured by AGENT_* variables (certctl sync without flags).
import { syncCommand } from '../agent/cli.ts';

process.exitCode = await syncCommand(process.argv.slice(2));
