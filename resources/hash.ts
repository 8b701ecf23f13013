// A short deterministic hash for readable child IDs (order/<request>-<hash>). FNV-1a, because the
// workflow sandbox has no node:crypto and the value only needs to be stable, not secret.
export function shortHash(input: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
