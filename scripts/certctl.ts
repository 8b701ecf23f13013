// certctl: the command line for web server hosts. `certctl sync` runs the sync agent (agent/).
import { main } from '../agent/cli.ts';

process.exitCode = await main(process.argv.slice(2));
