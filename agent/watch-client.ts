// Reads one Kubernetes-style watch (`?watch=true`): newline-delimited JSON events, each handed to
// `onEvent` in order. A stream that sends nothing for `idleTimeoutMs` (the API sends a BOOKMARK
// every 10 s) is taken for dead: a half-open connection must not leave the files stale for good.
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }; data?: Record<string, string>; message?: string };
}

export class WatchHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WatchHttpError';
  }
}

export interface WatchRequest {
  url: string;
  token: string;
  idleTimeoutMs: number;
  signal?: AbortSignal;
}

/** Resolves when the server ends the stream; rejects when it cannot be opened, breaks or goes silent. */
export async function readWatch(req: WatchRequest, onEvent: (event: WatchEvent) => Promise<void>): Promise<void> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(req.signal?.reason);
  req.signal?.addEventListener('abort', onOuterAbort);
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => abort.abort(new Error(`the watch sent nothing for ${req.idleTimeoutMs} ms`)), req.idleTimeoutMs);
  };
  try {
    armIdle();
    const res = await fetch(req.url, { headers: { authorization: `Bearer ${req.token}`, accept: 'application/json' }, signal: abort.signal });
    if (res.status !== 200) {
      const body = await res.text().catch(() => '');
      let message = body.slice(0, 500);
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? message;
      } catch {
        // not a Status
      }
      throw new WatchHttpError(res.status, `HTTP ${res.status}: ${message}`);
    }
    if (!res.body) throw new Error('the watch response has no body');
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      armIdle();
      buffered += decoder.decode(chunk, { stream: true });
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line === '') continue;
        let event: WatchEvent;
        try {
          event = JSON.parse(line) as WatchEvent;
        } catch {
          throw new Error(`the watch sent a line that is not JSON: ${line.slice(0, 100)}`);
        }
        await onEvent(event);
        armIdle();
      }
    }
  } catch (err) {
    // fetch reports an abort as its own error: say why it was aborted instead.
    if (abort.signal.aborted && abort.signal.reason instanceof Error) throw abort.signal.reason;
    throw err;
  } finally {
    if (idle) clearTimeout(idle);
    req.signal?.removeEventListener('abort', onOuterAbort);
  }
}
