// The agent's directory: <dir>/<namespace>/<name>/<key>, the file store's layout and atomicity
// (versioned-dir.ts: tls.crt -> ..data/tls.crt, one rename switches the pair), 0700/0600. So a web
// server pointed at <dir>/<ns>/<name>/tls.crt reads the same paths as on the API's own host.
import path from 'node:path';
import { checkSegment } from '../platform/secret-store.ts';
import { readSnapshot, sweepDir, writeVersion } from '../platform/versioned-dir.ts';
import { sameFiles, type FileSet } from './secret-files.ts';

export class LocalMirror {
  private readonly swept = new Set<string>();

  constructor(readonly dir: string) {}

  secretDir(namespace: string, name: string): string {
    return path.join(this.dir, checkSegment(namespace), checkSegment(name));
  }

  async read(namespace: string, name: string): Promise<FileSet | undefined> {
    return (await readSnapshot(this.secretDir(namespace, name)))?.files;
  }

  /** Writes a new version unless the files are already these bytes; whether it wrote. */
  async apply(namespace: string, name: string, files: FileSet): Promise<boolean> {
    const dir = this.secretDir(namespace, name);
    // What a killed agent left half-written (one agent per directory: nothing else writes here).
    if (!this.swept.has(dir)) {
      await sweepDir(dir, Date.now()).catch(() => undefined);
      this.swept.add(dir);
    }
    if (sameFiles((await readSnapshot(dir))?.files, files)) return false;
    await writeVersion(dir, files, Object.keys(files));
    return true;
  }
}
