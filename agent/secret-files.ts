// What one watched Secret becomes on disk: its data keys as files, compared byte for byte with
// what is there, so only a real change writes a version and reloads the web server.
import { checkKey } from '../platform/secret-store.ts';

export type FileSet = Record<string, Buffer>;

export interface WatchedSecret {
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, string>;
}

/** The Secret's files, or why it cannot be written (a key that is no file name, data that is no base64). */
export function secretFiles(object: WatchedSecret): FileSet | string {
  const files: FileSet = {};
  for (const [key, value] of Object.entries(object.data ?? {})) {
    try {
      checkKey(key);
    } catch {
      return `data key "${key}" cannot be a file name`;
    }
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return `data.${key} is not base64`;
    files[key] = Buffer.from(value, 'base64');
  }
  if (Object.keys(files).length === 0) return 'the Secret has no data';
  return files;
}

/** Same keys, same bytes. */
export function sameFiles(local: FileSet | undefined, remote: FileSet): boolean {
  if (!local) return false;
  const keys = Object.keys(remote);
  return Object.keys(local).length === keys.length && keys.every((k) => local[k]?.equals(remote[k]!) === true);
}
