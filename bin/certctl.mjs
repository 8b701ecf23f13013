#!/usr/bin/env node
// The package's `certctl` command: the TypeScript entry point, run through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/certctl.ts');
