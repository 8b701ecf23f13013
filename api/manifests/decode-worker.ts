// Worker-thread side of decoder.ts: decodes one body per message.
import { parentPort } from 'node:worker_threads';
import { decodeManifests } from '../../resources/decode-manifests.ts';
import type { DecodeRequest } from './decoder.ts';

parentPort!.postMessage('ready');
parentPort!.on('message', (req: DecodeRequest) => {
  try {
    parentPort!.postMessage({ id: req.id, result: decodeManifests(req.body, req.format, req.limits) });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: (err as Error).message ?? String(err) });
  }
});
